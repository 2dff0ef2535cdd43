import { execFile } from 'node:child_process';
/** Electron 40+ embeds Node 24, and the SQLite addon is built for it: older Node crashes loading it. */
export const REQUIRED_NODE_MAJOR = 24;

/** A one-line reason when this Node cannot run Hearth, else undefined. */
export function unsupportedNodeReason(version = process.versions.node): string | undefined {
  const major = Number(version.split('.')[0]);
  if (major >= REQUIRED_NODE_MAJOR) return undefined;
  return `Hearth needs Node ${REQUIRED_NODE_MAJOR} or newer (this is v${version}). Run it through npm (\`npm run headless\`, \`npm start\`), which uses the Node installed by \`bash .ci/setup\`.`;
}

/**
 * While the wallet is unlocked its key is in this process's memory: a core
 * dump would write it to disk. On Linux the process's core-size limit is set
 * to zero (util-linux `prlimit`, as for the worker's memory cap); best effort —
 * where prlimit is missing, the system's own setting (often already 0, or
 * systemd-coredump) applies, and the log says so. Elsewhere: macOS writes no
 * core files unless enabled, Windows writes no full dumps by default; Electron's
 * crash reporter is never started, so no minidumps are collected or sent.
 */
export function disableCoreDumps(onProblem: (message: string) => void = () => undefined): Promise<void> {
  if (process.platform !== 'linux') return Promise.resolve();
  return new Promise((resolve) => {
    execFile('prlimit', ['--pid', String(process.pid), '--core=0:0'], { timeout: 2_000 }, (error) => {
      if (error) onProblem(`core dumps could not be switched off (${error.message}); the system's setting applies`);
      resolve();
    });
  });
}
