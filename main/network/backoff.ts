/**
 * Reconnect delays: exponential with full jitter (a random delay between zero
 * and the exponential cap), so a coordinator that restarts is not hit by every
 * node at the same instant. A session that lasted a while resets the series:
 * one drop after an hour of work is retried quickly, a coordinator that keeps
 * refusing is retried ever more slowly, up to `maxMs`.
 */
export interface BackoffOptions {
  initialMs: number;
  maxMs: number;
  /** A session at least this long resets the series. */
  resetAfterMs: number;
  random?: () => number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, resetAfterMs: 60_000 };

export class Backoff {
  readonly #options: BackoffOptions;
  #attempt = 0;

  constructor(options: Partial<BackoffOptions> = {}) {
    this.#options = { ...DEFAULT_BACKOFF, ...options };
  }

  /** The delay before the next attempt; `sessionMs` is how long the last connection lasted (null: it never connected). */
  next(sessionMs: number | null): number {
    const { initialMs, maxMs, resetAfterMs, random = Math.random } = this.#options;
    if (sessionMs !== null && sessionMs >= resetAfterMs) this.#attempt = 0;
    const cap = Math.min(maxMs, initialMs * 2 ** Math.min(this.#attempt, 30));
    this.#attempt++;
    return Math.round(random() * cap);
  }

  reset(): void {
    this.#attempt = 0;
  }
}
