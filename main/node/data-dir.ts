import { closeSync, mkdirSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/**
 * Where Hearth keeps its data when no --data-dir is given: the same folder
 * Electron's `app.getPath('userData')` names for the app "Hearth", so the
 * desktop app and headless mode on one machine share one node.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform, home = homedir()): string {
  if (env.HEARTH_DATA_DIR) return env.HEARTH_DATA_DIR;
  switch (platform) {
    case 'win32':
      return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Hearth');
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Hearth');
    default:
      return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Hearth');
  }
}

export function ensureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

export class DataDirBusyError extends Error {
  override name = 'DataDirBusyError';
}

const LOCK_FILE = 'hearth.lock';
/** Lock files this process holds: a lock naming our own pid is ours only if it is in here (else the pid was reused). */
const heldHere = new Set<string>();

/**
 * One node per data directory: a second Hearth (desktop or headless) on the
 * same folder would run every job twice. A lock left by a process that has
 * died is taken over. Returns the release function.
 */
export function lockDataDir(dir: string): () => void {
  const pid = process.pid;
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, String(pid));
      closeSync(fd);
      heldHere.add(file);
      return () => {
        heldHere.delete(file);
        try {
          if (readFileSync(file, 'utf8') === String(pid)) unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
      const holder = Number.parseInt(readFileSync(file, 'utf8'), 10);
      const live = holder === pid ? heldHere.has(file) : Number.isInteger(holder) && isAlive(holder);
      if (live) {
        throw new DataDirBusyError(`Another Hearth (process ${holder}) is already using ${dir}. Stop it first, or pass another --data-dir.`);
      }
      unlinkSync(file); // stale: its process is gone
    }
  }
  throw new DataDirBusyError(`Could not lock ${dir}: another Hearth is starting at the same time.`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return isErrno(error, 'EPERM');
  }
}

function isErrno(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
