import { create } from 'zustand';
import type { NodeStatus } from '../../../shared/node.ts';
import type { Settings } from '../../../shared/settings.ts';
import type { WorkerStatus } from '../../../shared/worker.ts';
import type { ConnectionState } from '../api/transport.ts';

/** Live state pushed from the node; SQLite in main is the source of truth, this is the view of it. */
interface NodeStore {
  connection: ConnectionState;
  status: NodeStatus | undefined;
  settings: Settings | undefined;
  worker: WorkerStatus | undefined;
  /** The last failed call, shown until the next success. */
  error: string | undefined;
  setConnection: (connection: ConnectionState) => void;
  setStatus: (status: NodeStatus) => void;
  setSettings: (settings: Settings) => void;
  setWorker: (worker: WorkerStatus) => void;
  setError: (error: string | undefined) => void;
}

export const useNodeStore = create<NodeStore>((set) => ({
  connection: 'connecting',
  status: undefined,
  settings: undefined,
  worker: undefined,
  error: undefined,
  setConnection: (connection) => set({ connection }),
  setStatus: (status) => set({ status }),
  setSettings: (settings) => set({ settings }),
  setWorker: (worker) => set({ worker }),
  setError: (error) => set({ error }),
}));
