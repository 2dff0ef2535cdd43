import { describe, expect, it } from 'vitest';
import { formatDuration } from '../../renderer/src/format.ts';

describe('formatDuration', () => {
  it.each([
    [0, 'less than a minute'],
    [59_000, 'less than a minute'],
    [60_000, '1 min'],
    [61 * 60_000, '1 h 1 min'],
    [2 * 3_600_000, '2 h'],
    [26 * 3_600_000, '1 d 2 h'],
    [-5, 'less than a minute'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});
