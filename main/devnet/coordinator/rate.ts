/**
 * The offer rate: a token bucket refilled at `rate` tokens per second, holding
 * at most one second's worth (at least one). Tokens not spent because no node
 * takes jobs are lost, not saved up: an idle network does not release a burst
 * of stale work when a node arrives. `'max'` never runs out.
 */
export type Rate = number | 'max';

export class TokenBucket {
  readonly #rate: Rate;
  readonly #capacity: number;
  readonly #monotonic: () => number;
  #tokens: number;
  #at: number;

  constructor(rate: Rate, monotonic: () => number) {
    if (rate !== 'max' && !(Number.isFinite(rate) && rate > 0)) throw new RangeError(`the rate must be a positive number of jobs per second or 'max', not ${rate}`);
    this.#rate = rate;
    this.#capacity = rate === 'max' ? Infinity : Math.max(1, rate);
    this.#monotonic = monotonic;
    this.#tokens = rate === 'max' ? Infinity : 1;
    this.#at = monotonic();
  }

  #refill(): void {
    if (this.#rate === 'max') return;
    const now = this.#monotonic();
    this.#tokens = Math.min(this.#capacity, this.#tokens + ((now - this.#at) / 1000) * this.#rate);
    this.#at = now;
  }

  take(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  /** Gives back a token taken for an offer that could not be made. */
  refund(): void {
    this.#tokens = Math.min(this.#capacity, this.#tokens + 1);
  }

  /** Milliseconds until the next token (0 when one is there). */
  msUntilNext(): number {
    this.#refill();
    if (this.#rate === 'max' || this.#tokens >= 1) return 0;
    return Math.ceil(((1 - this.#tokens) / this.#rate) * 1000);
  }
}
