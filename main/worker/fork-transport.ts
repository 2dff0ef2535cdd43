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
  child.on('exit', (code, signal) => {
    exited = { code, signal };
    for (const listener of exitListeners) listener(exited);
  });
  child.on('error', () => {
    // A failed spawn also emits 'exit' (code -2 etc.) or never started: report as an exit.
    if (!exited) {
      exited = { code: null, signal: null };
      for (const listener of exitListeners) listener(exited);
    }
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
