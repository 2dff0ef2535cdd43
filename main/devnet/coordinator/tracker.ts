/**
 * Async work in flight (frames being handled, offers and vouchers being
 * signed), so close() can wait for it before the ledger closes under it.
 * Callers handle their own errors; this only waits.
 */
export class WorkTracker {
  readonly #work = new Set<Promise<void>>();

  track(work: Promise<unknown>): void {
    const settled: Promise<void> = work.then(
      () => undefined,
      () => undefined,
    );
    this.#work.add(settled);
    void settled.then(() => this.#work.delete(settled));
  }

  /** Resolves when nothing is in flight, including work started while waiting. */
  async idle(): Promise<void> {
    while (this.#work.size > 0) await Promise.all([...this.#work]);
  }
}
