/**
 * The Jobs page's list: the live first page (the store's newest jobs, re-read
 * on every change) with older pages loaded on demand below it.
 *
 * `jobs.list` pages by `before` (accepted strictly earlier), and several jobs
 * can share one millisecond: asking for `before = oldest + 1` fetches the
 * oldest millisecond again, so none of it is skipped; the repeats are merged
 * away by id.
 */
import type { Job } from '../../../../shared/jobs.ts';

/** Enough to scroll through; beyond it the oldest rows are dropped (Load more fetches them again). */
export const MAX_ROWS = 1000;

export interface JobList {
  /** Newest first, as `jobs.list` orders them: acceptedAt, then id, descending. */
  jobs: Job[];
  /** Whether older jobs may exist beyond the last row. */
  more: boolean;
  /** The `before` for the next page. */
  before: number | undefined;
  /** Older pages were loaded: live updates merge into the rows instead of replacing them. */
  expanded: boolean;
}

export function newestFirst(a: Job, b: Job): number {
  if (a.acceptedAt !== b.acceptedAt) return b.acceptedAt - a.acceptedAt;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** `incoming` replaces what is known by id (it was read later), in list order. */
export function mergeJobs(known: readonly Job[], incoming: readonly Job[]): Job[] {
  const byId = new Map(known.map((job) => [job.id, job]));
  for (const job of incoming) byId.set(job.id, job);
  return [...byId.values()].sort(newestFirst);
}

function cursorAfter(jobs: readonly Job[]): number | undefined {
  const oldest = jobs.at(-1);
  return oldest === undefined ? undefined : oldest.acceptedAt + 1;
}

/**
 * A new live first page. Until older pages are loaded it is the list; after,
 * it is merged in, so rows that scroll out of the live page stay (with the
 * state they last had) and no gap opens above the loaded pages.
 */
export function withLive(list: JobList | undefined, live: readonly Job[], pageSize: number): JobList {
  if (!list?.expanded) return { jobs: [...live], more: live.length >= pageSize, before: cursorAfter(live), expanded: false };
  const jobs = mergeJobs(list.jobs, live);
  if (jobs.length <= MAX_ROWS) return { ...list, jobs };
  const kept = jobs.slice(0, MAX_ROWS);
  return { jobs: kept, more: true, before: cursorAfter(kept), expanded: true };
}

/** An older page, asked for with `list.before`. */
export function withPage(list: JobList, page: readonly Job[], pageSize: number): JobList {
  const jobs = mergeJobs(list.jobs, page);
  const full = page.length >= pageSize;
  const progressed = jobs.length > list.jobs.length;
  if (progressed) return { jobs, more: full, before: cursorAfter(jobs), expanded: true };
  // A full page of jobs all known already: one millisecond holds more than a page. Step past it (the rest of it
  // cannot be reached with a time cursor).
  const oldest = jobs.at(-1);
  return { jobs, more: full && oldest !== undefined, before: oldest?.acceptedAt, expanded: true };
}

export const jobFilters = {
  all: { label: 'All', test: () => true },
  active: { label: 'Active', test: (job: Job) => job.state === 'accepted' || job.state === 'running' },
  completed: { label: 'Completed', test: (job: Job) => job.state === 'succeeded' || job.state === 'paid' },
  failed: { label: 'Failed', test: (job: Job) => job.state === 'failed' },
} as const;
export type JobFilter = keyof typeof jobFilters;
