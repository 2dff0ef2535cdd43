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

/** `--data-dir DIR` or `--data-dir=DIR` from a command line, if given. */
export function dataDirFromArgv(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--data-dir') return argv[i + 1] || undefined;
    if (arg.startsWith('--data-dir=')) return arg.slice('--data-dir='.length) || undefined;
  }
  return undefined;
}

export function ensureDataDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
}

export class DataDirBusyError extends Error {
  override name = 'DataDirBusyError';
}

const LOCK_FILE = 'hearth.lock';
/** Lock files this process holds: a lock naming our own pid is ours only if it is in here. */
const heldHere = new Set<string>();

/**
 * One node per data directory: a second Hearth (desktop or headless) on the
 * same folder would run every job twice. The lock records the holder's pid
 * and, on Linux, its start time, so a lock left by a process that has died is
 * taken over even when its pid now belongs to another program (after a reboot).
 * Returns the release function.
 */
export function lockDataDir(dir: string): () => void {
  const file = join(dir, LOCK_FILE);
  const mine = `${process.pid} ${processStartTime(process.pid) ?? ''}`.trim();
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, mine);
      closeSync(fd);
      heldHere.add(file);
      return () => {
        heldHere.delete(file);
        try {
          if (readFileSync(file, 'utf8') === mine) unlinkSync(file);
        } catch {
          // already gone
        }
      };
    } catch (error) {
      if (!isErrno(error, 'EEXIST')) throw error;
      const [pidText, startText] = readFileSync(file, 'utf8').trim().split(/\s+/);
      const holder = Number.parseInt(pidText ?? '', 10);
      if (holderIsLive(file, holder, startText)) {
        throw new DataDirBusyError(`Another Hearth (process ${holder}) is already using ${dir}. Stop it first, or pass another --data-dir.`);
      }
      unlinkSync(file); // stale: its process is gone
    }
  }
  throw new DataDirBusyError(`Could not lock ${dir}: another Hearth is starting at the same time.`);
}

function holderIsLive(file: string, holder: number, recordedStart: string | undefined): boolean {
  if (!Number.isInteger(holder) || holder <= 0) return false;
  if (holder === process.pid) return heldHere.has(file);
  if (!isAlive(holder)) return false;
  // Alive, but is it the same process? Where start times are known, they must match.
  const start = processStartTime(holder);
  return recordedStart === undefined || start === undefined || start === recordedStart;
}

/** The process's start time in clock ticks since boot (Linux /proc), or undefined elsewhere. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces and parentheses); starttime is field 22.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
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
