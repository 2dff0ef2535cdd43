import type { FromWorker, ToWorker } from '../../shared/worker-protocol.ts';

export interface WorkerExit {
  code: number | null;
  signal: string | null;
}

/**
 * One running worker process, whatever started it: `child_process.fork` in
 * headless mode and tests (fork-transport.ts), Electron's utilityProcess in the
 * app (main/electron/utility-transport.ts). Messages are structured clones.
 */
export interface WorkerTransport {
  readonly pid: number | undefined;
  send(message: ToWorker): void;
  onMessage(listener: (message: FromWorker) => void): void;
  onExit(listener: (exit: WorkerExit) => void): void;
  /** Lines the worker wrote to stderr (diagnostics; never job data). */
  onStderr(listener: (line: string) => void): void;
  kill(signal?: NodeJS.Signals): void;
}

export interface WorkerSpawnSpec {
  /** The worker's entry script. */
  entry: string;
  /** The program to start: node itself, or a wrapper such as prlimit. */
  command: string;
  /** Arguments before the entry script (wrapper arguments, then Node flags). */
  args: string[];
  /** The Node flags alone (for hosts that start Node themselves, like Electron's utilityProcess). */
  nodeArgs: string[];
  /** The address-space cap the spec asks for, if any (Linux). */
  memoryCapBytes?: number;
  env: Record<string, string>;
}

export type SpawnWorker = (spec: WorkerSpawnSpec) => WorkerTransport;
