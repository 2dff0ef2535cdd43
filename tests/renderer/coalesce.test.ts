import { describe, expect, it } from 'vitest';
import { coalesce } from '../../renderer/src/coalesce.ts';

/** A task whose runs finish when the test says so. */
function controlled(): { task: () => Promise<void>; runs: number; finish: () => Promise<void> } {
  const pending: (() => void)[] = [];
  const state = {
    runs: 0,
    task: (): Promise<void> => {
      state.runs += 1;
      return new Promise<void>((resolve) => pending.push(resolve));
    },
    finish: async (): Promise<void> => {
      pending.shift()?.();
      await new Promise((resolve) => setTimeout(resolve, 0));
    },
  };
  return state;
}

describe('coalesce', () => {
  it('runs at once when idle', () => {
    const work = controlled();
    coalesce(work.task)();
    expect(work.runs).toBe(1);
  });

  it('folds every request during a run into one more run after it', async () => {
    const work = controlled();
    const run = coalesce(work.task);
    run();
    run();
    run();
    run();
    expect(work.runs).toBe(1);
    await work.finish();
    expect(work.runs).toBe(2);
    await work.finish();
    expect(work.runs).toBe(2);
  });

  it('keeps going after a failed run', async () => {
    let calls = 0;
    const run = coalesce(() => {
      calls += 1;
      return calls === 1 ? Promise.reject(new Error('no')) : Promise.resolve();
    });
    run();
    run();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(calls).toBe(2);
    run();
    expect(calls).toBe(3);
  });
});
