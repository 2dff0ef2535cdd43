import { create } from 'zustand';
import type { Job, JobsSummary } from '../../../shared/jobs.ts';
import type { NetworkStatus } from '../../../shared/network.ts';

/** How many of the newest jobs are kept live: the Jobs page's first page; the Overview shows the top of it. */
export const LIVE_JOBS = 50;

/** The network connection and the jobs it brought, as pushed from the node (SQLite in main is the source of truth). */
interface NetworkStore {
  status: NetworkStatus | undefined;
  summary: JobsSummary | undefined;
  /** The newest LIVE_JOBS jobs, newest first, re-read on every `jobs.changed`. */
  recent: Job[] | undefined;
  setStatus: (status: NetworkStatus) => void;
  setSummary: (summary: JobsSummary) => void;
  setRecent: (recent: Job[]) => void;
}

export const useNetworkStore = create<NetworkStore>((set) => ({
  status: undefined,
  summary: undefined,
  recent: undefined,
  setStatus: (status) => set({ status }),
  setSummary: (summary) => set({ summary }),
  setRecent: (recent) => set({ recent }),
}));
