import { execFile } from 'node:child_process';
import { accessSync, constants } from 'node:fs';

/**
 * The few helper programs a Linux source may run (nvidia-smi, loginctl,
 * xprintidle): looked up on PATH, run with a timeout, and never more often
 * than their interval, whatever the caller's tick.
 */

/** Runs `file` with `args`; resolves with stdout, rejects on a non-zero exit, a timeout or a spawn failure. */
export type CommandRunner = (file: string, args: readonly string[], timeoutMs: number) => Promise<string>;

/** The absolute path of a program on PATH, or null. */
export type CommandFinder = (name: string) => string | null;

/** The default runner: execFile (no shell), killed with SIGKILL at the timeout, output capped at 1 MiB. */
export const execRunner: CommandRunner = (file, args, timeoutMs) =>
  new Promise((resolve, reject) => {
    execFile(file, [...args], { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024, encoding: 'utf8', windowsHide: true }, (error, stdout) => {
      if (error) reject(new Error(`${file}: ${error.message}`, { cause: error }));
      else resolve(stdout);
    });
  });

/** Looks programs up on `path` (a PATH string), remembering the answers for `ttlMs` (a driver installed later is found). */
export function pathFinder(path: string | undefined, ttlMs = 60_000, clock: () => number = Date.now): CommandFinder {
  const dirs = (path ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin').split(':').filter((dir) => dir.startsWith('/'));
  const cache = new Map<string, { at: number; found: string | null }>();
  return (name) => {
    const now = clock();
    const cached = cache.get(name);
    if (cached && now - cached.at < ttlMs) return cached.found;
    let found: string | null = null;
    for (const dir of dirs) {
      const candidate = `${dir}/${name}`;
      try {
        accessSync(candidate, constants.X_OK);
        found = candidate;
        break;
      } catch {
        // not here
      }
    }
    cache.set(name, { at: now, found });
    return found;
  };
}

/**
 * One value refreshed at most every `intervalMs`: between refreshes the last
 * result is returned; callers arriving during a refresh share it (one spawn,
 * never a queue of them). The interval counts from the end of a refresh, so
 * a slow command cannot run back to back.
 */
export class Throttled<T> {
  readonly #intervalMs: number;
  #value: T | undefined;
  #doneAt = Number.NEGATIVE_INFINITY;
  #running: Promise<T> | null = null;

  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** The value, refreshed with `refresh` if it is older than the interval (by `now`, the source's clock). */
  get(now: number, refresh: () => Promise<T>, clock: () => number): Promise<T> {
    if (this.#running) return this.#running;
    if (this.#value !== undefined && now - this.#doneAt < this.#intervalMs) return Promise.resolve(this.#value);
    const running = (async () => {
      try {
        const value = await refresh();
        this.#value = value;
        this.#doneAt = clock();
        return value;
      } finally {
        this.#running = null;
      }
    })();
    this.#running = running;
    return running;
  }
}
