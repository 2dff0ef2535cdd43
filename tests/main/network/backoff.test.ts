import { describe, expect, it } from 'vitest';
import { Backoff } from '../../../main/network/backoff.ts';

describe('reconnect backoff', () => {
  it('draws each delay between zero and a cap that doubles from 0.5 s to 30 s (full jitter)', () => {
    const top = new Backoff({ random: () => 1 });
    expect(Array.from({ length: 9 }, () => top.next(null))).toEqual([500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    const bottom = new Backoff({ random: () => 0 });
    expect(bottom.next(null)).toBe(0);
    const half = new Backoff({ random: () => 0.5 });
    expect([half.next(null), half.next(null)]).toEqual([250, 500]);
  });

  it('starts over after a session that lasted, not after a short one', () => {
    const backoff = new Backoff({ random: () => 1, resetAfterMs: 60_000 });
    backoff.next(null);
    backoff.next(null);
    expect(backoff.next(5_000)).toBe(2000); // a short session: keep backing off
    expect(backoff.next(60_000)).toBe(500); // an hour of work, then a drop: retry soon
  });
});
