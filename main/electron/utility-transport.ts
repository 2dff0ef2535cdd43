import { execFile } from 'node:child_process';
import { utilityProcess } from 'electron';
import type { FromWorker, ToWorker } from '../../shared/worker-protocol.ts';
import type { SpawnWorker, WorkerExit } from '../worker/transport.ts';

/**
 * The inference worker as an Electron utilityProcess (the desktop app's
 * transport; headless mode forks). Messages are structured clones over the
 * utility process's port. Electron starts the process itself, so the
 * address-space cap is applied with `prlimit --pid` right after spawn, and no
 * message — not even the configuration — reaches the worker before it holds.
 * Whether utilityProcess honours Node's permission flags in `execArgv` is
 * unverified (a third-party report says it ignores them): the README says so.
 */
export const utilityTransport: SpawnWorker = (spec) => {
  const child = utilityProcess.fork(spec.entry, [], {
    env: spec.env,
    execArgv: spec.nodeArgs,
    stdio: 'pipe',
    serviceName: 'Hearth inference worker',
  });
  const exitListeners: ((exit: WorkerExit) => void)[] = [];
  let exited: WorkerExit | undefined;
  let queue: ToWorker[] | undefined = [];
  const flush = (): void => {
    for (const message of queue ?? []) child.postMessage(message);
    queue = undefined;
  };
  const stderrListeners: ((line: string) => void)[] = [];
  child.once('spawn', () => {
    if (process.platform === 'linux' && spec.memoryCapBytes !== undefined && child.pid !== undefined) {
      execFile('prlimit', [`--pid=${child.pid}`, `--as=${spec.memoryCapBytes}`], (error) => {
        if (error) for (const listener of stderrListeners) listener(`the address-space cap could not be applied (prlimit: ${error.message}); the worker runs uncapped`);
        flush();
      });
    } else {
      flush();
    }
  });
  child.on('exit', (code) => {
    exited = { code, signal: null };
    for (const listener of exitListeners) listener(exited);
  });
  return {
    get pid() {
      return child.pid;
    },
    send(message) {
      if (queue) queue.push(message);
      else child.postMessage(message);
    },
    onMessage(listener) {
      child.on('message', (message: unknown) => listener(message as FromWorker));
    },
    onExit(listener) {
      if (exited) listener(exited);
      else exitListeners.push(listener);
    },
    onStderr(listener) {
      stderrListeners.push(listener);
      child.stderr?.on('data', (chunk: Buffer) => {
        for (const line of chunk.toString('utf8').split('\n')) if (line.trim()) listener(line);
      });
    },
    kill() {
      if (!exited) child.kill();
    },
  };
};
