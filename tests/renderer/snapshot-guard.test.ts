import { describe, expect, it } from 'vitest';
import { snapshotGuard } from '../../renderer/src/hooks.ts';

describe('snapshotGuard', () => {
  it('applies answers in order', () => {
    const guard = snapshotGuard<'status'>();
    const first = guard.begin();
    expect(first('status')).toBe(true);
    const second = guard.begin();
    expect(second('status')).toBe(true);
  });

  it('drops an older answer that arrives after a newer one', () => {
    const guard = snapshotGuard<'status'>();
    const older = guard.begin();
    const newer = guard.begin();
    expect(newer('status')).toBe(true);
    expect(older('status')).toBe(false);
  });

  it('drops a snapshot taken before an event, for that kind of state only', () => {
    const guard = snapshotGuard<'status' | 'settings'>();
    const fresh = guard.begin();
    guard.event('status');
    expect(fresh('status')).toBe(false);
    expect(fresh('settings')).toBe(true);
    const later = guard.begin();
    expect(later('status')).toBe(true); // started after the event: newer
  });
});
