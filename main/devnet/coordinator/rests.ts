/**
 * After a decline, the node rests from offers for a while: from that task
 * when the decline says it cannot do this kind of job now (unknown task, no
 * model, price too low), from everything briefly when it is busy or pausing,
 * and long when our offers are wrong for it (another payer pinned).
 */
import type { TaskKind } from '../../../shared/jobs.ts';
import type { DeclineReason } from '../../../shared/protocol/messages.ts';
import type { Address } from '../../../shared/voucher.ts';

const SHORT_MS = 2_000;
const LONG_MS = 30_000;
const TASK_DECLINES: ReadonlySet<DeclineReason> = new Set(['unknown_task', 'model_unavailable', 'price_too_low', 'inputs_invalid']);
const LONG_DECLINES: ReadonlySet<DeclineReason> = new Set(['bad_signature', 'payer_mismatch']);

export class Rests {
  readonly #monotonic: () => number;
  /** `node` or `node/task` → monotonic ms the rest ends. */
  readonly #until = new Map<string, number>();

  constructor(monotonic: () => number) {
    this.#monotonic = monotonic;
  }

  after(node: Address, reason: DeclineReason, task: TaskKind | undefined): void {
    const now = this.#monotonic();
    if (TASK_DECLINES.has(reason) && task) this.#until.set(`${node}/${task}`, now + LONG_MS);
    else this.#until.set(node, now + (LONG_DECLINES.has(reason) ? LONG_MS : SHORT_MS));
  }

  /** Whether the node (or, with `task`, the node for that task) is resting now. */
  resting(node: Address, task?: TaskKind): boolean {
    const key = task ? `${node}/${task}` : node;
    const until = this.#until.get(key);
    if (until === undefined) return false;
    if (until > this.#monotonic()) return true;
    this.#until.delete(key);
    return false;
  }

  /** When the node's first rest still running ends (monotonic ms), or Infinity when it rests from nothing. */
  firstEnd(node: Address, tasks: Iterable<TaskKind>): number {
    let earliest = Infinity;
    for (const key of [node, ...[...tasks].map((task) => `${node}/${task}`)]) {
      const until = this.#until.get(key);
      if (until === undefined) continue;
      // Ended rests are dropped here too: one left behind would have the dispatcher wake for it again and again.
      if (until <= this.#monotonic()) this.#until.delete(key);
      else earliest = Math.min(earliest, until);
    }
    return earliest;
  }

  /** The node left: forget its rests. */
  forget(node: Address): void {
    for (const key of this.#until.keys()) if (key === node || key.startsWith(`${node}/`)) this.#until.delete(key);
  }
}
