import { describe, expect, it } from 'vitest';
import type { Job } from '../../../shared/jobs.ts';
import { MAX_ROWS, mergeJobs, withLive, withPage, type JobList } from '../../../renderer/src/pages/jobs/list.ts';

function job(id: string, acceptedAt: number, state: Job['state'] = 'succeeded'): Job {
  return {
    id,
    coordinator: 'ws://127.0.0.1/',
    task: 'tensor',
    modelId: 'mlp',
    modelSha256: '0'.repeat(64),
    state,
    price: 10n,
    acceptedAt,
    deadlineAt: acceptedAt + 60_000,
    startedAt: acceptedAt,
    finishedAt: acceptedAt + 5,
    executionProvider: 'cpu',
    resultHash: null,
    errorCode: null,
    errorMessage: null,
    voucherId: null,
  };
}

/** Jobs `from`…`to` (inclusive), newest first, one per millisecond. */
function range(from: number, to: number): Job[] {
  const jobs: Job[] = [];
  for (let at = to; at >= from; at -= 1) jobs.push(job(`j${String(at).padStart(6, '0')}`, at));
  return jobs;
}

describe('mergeJobs', () => {
  it('keeps the later read of a job and orders newest first, then by id descending', () => {
    const merged = mergeJobs([job('a', 1, 'running'), job('b', 2)], [job('a', 1, 'succeeded'), job('c', 1)]);
    expect(merged.map((j) => `${j.id}:${j.state}`)).toEqual(['b:succeeded', 'c:succeeded', 'a:succeeded']);
  });
});

describe('the jobs list', () => {
  it('is the live page until older pages are loaded', () => {
    const first = withLive(undefined, range(51, 100), 50);
    expect(first).toMatchObject({ more: true, before: 52, expanded: false });
    const next = withLive(first, range(52, 101), 50);
    expect(next.jobs).toHaveLength(50);
    expect(next.jobs[0]?.acceptedAt).toBe(101);
  });

  it('says there is nothing older when the live page is not full', () => {
    expect(withLive(undefined, range(1, 3), 50)).toMatchObject({ more: false, expanded: false });
  });

  it('asks again for the oldest millisecond, so jobs sharing it are not skipped', () => {
    const shared = [job('x2', 50), job('x1', 50)];
    const live: JobList = withLive(undefined, [...range(51, 98), shared[0] as Job], 49);
    expect(live.before).toBe(51);
    const paged = withPage(live, [shared[0] as Job, shared[1] as Job, ...range(1, 49)], 51);
    expect(paged.jobs.map((j) => j.id)).toContain('x1');
    expect(paged.jobs).toHaveLength(99);
    expect(paged).toMatchObject({ more: true, before: 2, expanded: true });
  });

  it('steps past a millisecond holding more than a page', () => {
    const list: JobList = { jobs: [job('b', 7), job('a', 7)], more: true, before: 8, expanded: true };
    const paged = withPage(list, [job('b', 7), job('a', 7)], 2);
    expect(paged).toMatchObject({ more: true, before: 7 });
  });

  it('ends when a page comes back short', () => {
    const list = withLive(undefined, range(51, 100), 50);
    expect(withPage(list, range(41, 50), 50)).toMatchObject({ more: false, expanded: true });
  });

  it('once expanded, merges live pages in: no gap opens above the loaded pages', () => {
    let list = withLive(undefined, range(51, 100), 50);
    list = withPage(list, range(1, 50), 50);
    list = withLive(list, range(71, 120), 50);
    expect(list.jobs).toHaveLength(120);
    expect(list.jobs[0]?.acceptedAt).toBe(120);
    expect(list.jobs.at(-1)?.acceptedAt).toBe(1);
  });

  it('drops the oldest rows beyond MAX_ROWS and lets Load more fetch them again', () => {
    let list = withLive(undefined, range(1, 50), 50);
    list = withPage(list, [], 50);
    list = withLive(list, range(1, MAX_ROWS + 10), 50);
    expect(list.jobs).toHaveLength(MAX_ROWS);
    expect(list).toMatchObject({ more: true, before: 12, expanded: true });
  });
});
