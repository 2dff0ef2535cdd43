import { spawn } from 'node:child_process';
import type { FromWorker } from '../../shared/worker-protocol.ts';
import type { SpawnWorker, WorkerExit } from './transport.ts';

/**
 * Starts the worker as a child process with an IPC channel in `advanced`
 * serialization (structured clone: typed arrays cross as binary). `spawn`
 * rather than `fork` so a wrapper (prlimit) can come first.
 */
export const forkTransport: SpawnWorker = (spec) => {
  const child = spawn(spec.command, [...spec.args, spec.entry], {
    env: spec.env,
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    serialization: 'advanced',
  });
  const exitListeners: ((exit: WorkerExit) => void)[] = [];
  let exited: WorkerExit | undefined;
  const report = (exit: WorkerExit): void => {
    if (exited) return; // once, whichever of 'exit' and a failed spawn comes first
    exited = exit;
    for (const listener of exitListeners) listener(exit);
  };
  child.on('exit', (code, signal) => report({ code, signal }));
  child.on('error', () => {
    // 'error' also means a failed kill or send; only a process that never started (no pid) has ended.
    if (child.pid === undefined) report({ code: null, signal: null });
  });
  return {
    get pid() {
      return child.pid;
    },
    send(message) {
      if (child.connected) child.send(message);
    },
    onMessage(listener) {
      child.on('message', (message) => listener(message as FromWorker));
    },
    onExit(listener) {
      if (exited) listener(exited);
      else exitListeners.push(listener);
    },
    onStderr(listener) {
      let buffered = '';
      child.stderr?.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) listener(line);
      });
    },
    kill(signal = 'SIGKILL') {
      if (!exited) child.kill(signal);
    },
  };
};
