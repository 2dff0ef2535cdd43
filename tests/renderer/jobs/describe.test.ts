import { describe, expect, it } from 'vitest';
import { failureText, formatElapsed, jobDuration, providerName } from '../../../renderer/src/pages/jobs/describe.ts';

describe('formatElapsed', () => {
  it.each([
    [0, '0 ms'],
    [85, '85 ms'],
    [999, '999 ms'],
    [1_000, '1.0 s'],
    [1_460, '1.4 s'],
    [9_999, '9.9 s'],
    [12_400, '12 s'],
    [60_000, '1 min'],
    [125_000, '2 min 5 s'],
    [3_600_000, '1 h'],
    [3_780_000, '1 h 3 min'],
    [-4, '0 ms'],
  ])('%d ms → %s', (ms, text) => {
    expect(formatElapsed(ms)).toBe(text);
  });
});

describe('jobDuration', () => {
  it('is finished − started once both are known', () => {
    expect(jobDuration({ startedAt: 1_000, finishedAt: 1_250 })).toBe(250);
    expect(jobDuration({ startedAt: 1_000, finishedAt: null })).toBeNull();
    expect(jobDuration({ startedAt: null, finishedAt: 1_250 })).toBeNull();
  });

  it('never goes negative (clocks can step back)', () => {
    expect(jobDuration({ startedAt: 2_000, finishedAt: 1_000 })).toBe(0);
  });
});

describe('words', () => {
  it('names known failure codes and keeps unknown ones readable', () => {
    expect(failureText('interrupted')).toBe('Hearth stopped mid-job');
    expect(failureText('some_new_code')).toBe('some new code');
  });

  it('names execution providers', () => {
    expect(providerName('cuda')).toBe('CUDA (NVIDIA)');
    expect(providerName('rocm')).toBe('rocm');
  });
});
