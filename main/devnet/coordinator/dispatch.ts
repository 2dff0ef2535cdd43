/**
 * Which job goes to which node, when: the offer side of the coordinator.
 *
 * - Offers go only to nodes that take them (capabilities and availability
 *   known, `running`), for tasks they announced, never more than their
 *   `maxConcurrentJobs` offered-or-running at once, round-robin, and no faster
 *   than the token bucket allows.
 * - Each offer is signed by the payer and stored in the ledger before it is
 *   sent. Unanswered after `offerTimeoutMs`, or its connection gone, it is
 *   withdrawn and its job queued again under a new jobId; a late result for it
 *   still counts until its deadline plus grace.
 * - The queue of jobs to offer again is bounded: when nobody takes them the
 *   oldest are dropped, and a job declined, withdrawn or failed too often is
 *   dropped too. New work comes from the workload only when a node has room.
 * - A sweep expires jobs past deadline + grace, in the ledger and here.
 */
import { randomBytes } from 'node:crypto';
import type { TaskKind } from '../../../shared/jobs.ts';
import type { DeclineReason } from '../../../shared/protocol/messages.ts';
import type { Address, Hex } from '../../../shared/voucher.ts';
import { errorMessage } from '../../../shared/errors.ts';
import type { DemoJob } from '../workload/types.ts';
import type { CoordinatorContext, NodeLink } from './context.ts';
import { signedOffer } from './offer.ts';
import { TokenBucket, type Rate } from './rate.ts';
import { Rests } from './rests.ts';
import { encodeSpec } from './spec.ts';

/** Jobs waiting to be offered again; past this the oldest are dropped. */
export const MAX_QUEUED = 256;
/** Offers of one piece of work (each under its own jobId) before it is dropped. */
export const MAX_ATTEMPTS = 3;
/** Workload draws per node and pump when the draws are for tasks the node does not run. */
const DRAWS_PER_NODE = 8;
const SWEEP_EVERY_MS = 5_000;
const RETRY_DRAW_MS = 1_000;

export type Settlement = 'succeeded' | 'failed' | 'rejected' | 'expired';

interface Queued {
  job: DemoJob;
  attempts: number;
}

interface OpenJob {
  id: Hex;
  node: Address;
  /** The connection it was offered on: if that goes, an unanswered offer is withdrawn. */
  link: NodeLink;
  job: DemoJob;
  attempts: number;
  deadlineAt: number;
  state: 'signing' | 'offered' | 'accepted' | 'withdrawn';
  timer?: NodeJS.Timeout;
}

export class Dispatcher {
  readonly #ctx: CoordinatorContext;
  readonly #bucket: TokenBucket;
  readonly #track: (work: Promise<unknown>) => void;
  readonly #queue: Queued[] = [];
  readonly #open = new Map<Hex, OpenJob>();
  readonly #inFlight = new Map<Address, Set<Hex>>();
  readonly #links: NodeLink[] = [];
  /** Nodes whose accepted jobs from before this process were counted into their slots. */
  readonly #seeded = new Set<Address>();
  readonly #rests: Rests;
  #cursor = 0;
  #wake: NodeJS.Timeout | undefined;
  #wakeAt = Infinity;
  #sweep: NodeJS.Timeout | undefined;
  #closed = false;
  #drawFailureLogged = false;

  /** `track` keeps async work (signing an offer) visible to close(), which waits for it. */
  constructor(ctx: CoordinatorContext, rate: Rate, track: (work: Promise<unknown>) => void) {
    this.#ctx = ctx;
    this.#bucket = new TokenBucket(rate, ctx.monotonic);
    this.#rests = new Rests(ctx.monotonic);
    this.#track = track;
  }

  /** Expires what a previous run left past its grace, then keeps sweeping. */
  start(): void {
    this.sweep();
    this.#sweep = setInterval(() => this.sweep(), Math.min(SWEEP_EVERY_MS, Math.max(100, this.#ctx.graceMs)));
    this.#sweep.unref();
  }

  get queued(): number {
    return this.#queue.length;
  }

  get inFlight(): number {
    let n = 0;
    for (const jobs of this.#inFlight.values()) n += jobs.size;
    return n;
  }

  /** Jobs offered or running on `node` right now (its capacity in use). */
  inFlightOf(node: Address): number {
    return this.#inFlight.get(node)?.size ?? 0;
  }

  /** A session is ready: it joins the rotation (with the jobs it accepted before, if this process has not seen it yet). */
  attach(link: NodeLink): void {
    if (this.#closed || this.#links.includes(link)) return;
    this.#links.push(link);
    if (!this.#seeded.has(link.node)) {
      this.#seeded.add(link.node);
      const slots = this.#slots(link.node);
      for (const id of this.#ctx.ledger.acceptedJobIds(link.node, this.#ctx.now() - this.#ctx.graceMs)) slots.add(id);
    }
    this.pump();
  }

  /** A session closed: it leaves the rotation and its unanswered offers are withdrawn (accepted jobs may still report on its next session). */
  detach(link: NodeLink): void {
    const index = this.#links.indexOf(link);
    if (index >= 0) this.#links.splice(index, 1);
    if (!this.#links.some((other) => other.node === link.node)) this.#rests.forget(link.node);
    if (this.#closed) return;
    for (const open of this.#open.values()) if (open.link === link && open.state === 'offered') this.#withdraw(open, false);
    this.pump();
  }

  /** The node's answer `accept`: 'unknown' when the job was never offered to it. */
  accepted(link: NodeLink, jobId: Hex): 'ok' | 'unknown' {
    const open = this.#open.get(jobId);
    if (open) {
      if (open.node !== link.node) return 'unknown';
      // A repeat changes nothing; a late accept of a withdrawn offer is not counted (its work is queued again) but its result may still land.
      if (open.state === 'offered' && this.#ctx.ledger.markAccepted(jobId, this.#ctx.now())) {
        clearTimeout(open.timer);
        open.state = 'accepted';
        this.#ctx.metrics.job('accepted');
      }
      return 'ok';
    }
    // Offered by an earlier run of the coordinator.
    const job = this.#ctx.ledger.job(jobId);
    if (!job || job.node !== link.node) return 'unknown';
    if (job.state === 'offered' && this.#ctx.ledger.markAccepted(jobId, this.#ctx.now())) {
      this.#slots(link.node).add(jobId);
      this.#ctx.metrics.job('accepted');
    }
    return 'ok';
  }

  /** The node's answer `decline`: the work is queued again and the node rests from what it declined. */
  declined(link: NodeLink, jobId: Hex, reason: DeclineReason): 'ok' | 'unknown' {
    const open = this.#open.get(jobId);
    if (!open) return this.#declinedEarlier(link, jobId, reason);
    if (open.node !== link.node) return 'unknown';
    this.#rests.after(link.node, reason, open.job.task);
    if (open.state === 'offered' && this.#ctx.ledger.markDeclined(jobId, this.#ctx.now(), reason)) {
      clearTimeout(open.timer);
      this.#open.delete(jobId);
      this.#slots(open.node).delete(jobId);
      this.#ctx.metrics.job('declined');
      this.#requeue(open.job, open.attempts + 1);
      this.pump();
    }
    return 'ok';
  }

  /** A decline of an offer made by an earlier run of the coordinator (its work is not queued again: this run does not hold it). */
  #declinedEarlier(link: NodeLink, jobId: Hex, reason: DeclineReason): 'ok' | 'unknown' {
    const job = this.#ctx.ledger.job(jobId);
    if (!job || job.node !== link.node) return 'unknown';
    this.#rests.after(link.node, reason, job.task);
    if (job.state === 'offered' && this.#ctx.ledger.markDeclined(jobId, this.#ctx.now(), reason)) this.#ctx.metrics.job('declined');
    return 'ok';
  }

  /** What checking this job's result needs, while this process has it. */
  demoJob(jobId: Hex): DemoJob | undefined {
    return this.#open.get(jobId)?.job;
  }

  /** The job reached an outcome in the ledger: free its slot (a failed one's work is queued again). */
  settled(node: Address, jobId: Hex, outcome: Settlement): void {
    const open = this.#open.get(jobId);
    if (open) {
      clearTimeout(open.timer);
      this.#open.delete(jobId);
    }
    this.#slots(node).delete(jobId);
    this.#ctx.metrics.job(outcome);
    if (open && outcome === 'failed') this.#requeue(open.job, open.attempts + 1);
    this.pump();
  }

  /** Expires jobs past deadline + grace (ledger first, then this process's view). */
  sweep(): void {
    if (this.#closed) return;
    const cutoff = this.#ctx.now() - this.#ctx.graceMs;
    for (const { id, node } of this.#ctx.ledger.expireOpen(cutoff, this.#ctx.now())) this.settled(node, id, 'expired');
    for (const open of this.#open.values()) {
      if (open.state === 'withdrawn' && open.deadlineAt < cutoff) this.#open.delete(open.id);
    }
  }

  /** Offers what the rate and the nodes' room allow now; schedules itself for when more will be allowed. */
  pump(): void {
    if (this.#closed) return;
    const skip = new Set<NodeLink>();
    let progressed = true;
    while (progressed) {
      progressed = false;
      for (const link of this.#rotation()) {
        if (skip.has(link) || !this.#hasRoom(link)) continue;
        if (!this.#bucket.take()) {
          this.#wakeIn(this.#bucket.msUntilNext());
          return;
        }
        const picked = this.#pick(link);
        if (!picked) {
          this.#bucket.refund();
          skip.add(link);
          continue;
        }
        this.#reserve(link, picked);
        progressed = true;
      }
    }
    this.#wakeForCooldowns();
    // A node with room but no work it runs (the workload drew other tasks): look again soon rather than never.
    if (skip.size > 0) this.#wakeIn(RETRY_DRAW_MS);
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#wake);
    clearInterval(this.#sweep);
    for (const open of this.#open.values()) clearTimeout(open.timer);
    this.#links.length = 0;
  }

  // ---- internals ---------------------------------------------------------------

  #slots(node: Address): Set<Hex> {
    let slots = this.#inFlight.get(node);
    if (!slots) {
      slots = new Set();
      this.#inFlight.set(node, slots);
    }
    return slots;
  }

  /** The links in round-robin order, starting one further each pump. */
  #rotation(): NodeLink[] {
    const n = this.#links.length;
    if (n === 0) return [];
    this.#cursor = (this.#cursor + 1) % n;
    return [...this.#links.slice(this.#cursor), ...this.#links.slice(0, this.#cursor)];
  }

  #hasRoom(link: NodeLink): boolean {
    return link.takesOffers && !this.#rests.resting(link.node) && this.#slots(link.node).size < link.maxConcurrentJobs;
  }

  /** A queued job the node runs, else fresh work from the workload (draws for other tasks are queued for other nodes). */
  #pick(link: NodeLink): Queued | undefined {
    const runs = (task: TaskKind): boolean => link.tasks.has(task) && !this.#rests.resting(link.node, task);
    const index = this.#queue.findIndex((queued) => runs(queued.job.task));
    if (index >= 0) return this.#queue.splice(index, 1)[0];
    for (let draw = 0; draw < DRAWS_PER_NODE; draw++) {
      let job: DemoJob;
      try {
        job = this.#ctx.workload.next();
      } catch (error) {
        if (!this.#drawFailureLogged) this.#ctx.log('error', `the workload failed to make a job: ${errorMessage(error)}`);
        this.#drawFailureLogged = true;
        return undefined;
      }
      if (runs(job.task)) return { job, attempts: 0 };
      this.#requeue(job, 0);
    }
    return undefined;
  }

  #requeue(job: DemoJob, attempts: number): void {
    if (attempts >= MAX_ATTEMPTS) {
      this.#ctx.metrics.job('dropped');
      return;
    }
    this.#queue.push({ job, attempts });
    while (this.#queue.length > MAX_QUEUED) {
      this.#queue.shift();
      this.#ctx.metrics.job('dropped');
    }
  }

  /** Takes the node's slot now (synchronously, so a concurrent pump cannot overfill it); signs and sends after. */
  #reserve(link: NodeLink, { job, attempts }: Queued): void {
    const id: Hex = `0x${randomBytes(32).toString('hex')}`;
    const open: OpenJob = { id, node: link.node, link, job, attempts, deadlineAt: this.#ctx.now() + job.deadlineMs, state: 'signing' };
    this.#open.set(id, open);
    this.#slots(link.node).add(id);
    this.#track(this.#offer(open));
  }

  async #offer(open: OpenJob): Promise<void> {
    const ctx = this.#ctx;
    const { job } = open;
    try {
      const message = await signedOffer(ctx, open.id, job, open.deadlineAt);
      if (this.#closed || !this.#links.includes(open.link) || this.#open.get(open.id) !== open) return this.#abandon(open, open.attempts);
      // Stored before it is sent: a result for it must find it, even after a restart.
      ctx.ledger.insertOffered({
        id: open.id,
        node: open.node,
        task: job.task,
        modelSha256: job.model.sha256,
        price: job.price,
        offeredAt: ctx.now(),
        deadlineAt: open.deadlineAt,
        spec: encodeSpec(job),
      });
      open.state = 'offered';
      ctx.metrics.job('offered');
      if (!open.link.send(message)) return this.#withdraw(open, true);
      open.timer = setTimeout(() => this.#withdraw(open, true), ctx.offerTimeoutMs);
      open.timer.unref();
    } catch (error) {
      ctx.log('error', `offering job ${open.id} failed: ${errorMessage(error)}`);
      if (open.state === 'signing') this.#abandon(open, open.attempts + 1);
      else this.#withdraw(open, true);
    }
  }

  /** An offer never stored nor sent: forget it and queue its work again. */
  #abandon(open: OpenJob, attempts: number): void {
    this.#open.delete(open.id);
    this.#slots(open.node).delete(open.id);
    if (!this.#closed) {
      this.#requeue(open.job, attempts);
      this.pump();
    }
  }

  /** No answer in time, or the connection went: the work goes back to the queue under a new id; this id still takes a late result. */
  #withdraw(open: OpenJob, pump: boolean): void {
    if (open.state !== 'offered' || this.#closed) return;
    if (!this.#ctx.ledger.markWithdrawn(open.id, this.#ctx.now())) return;
    clearTimeout(open.timer);
    open.state = 'withdrawn';
    this.#slots(open.node).delete(open.id);
    this.#ctx.metrics.job('withdrawn');
    this.#requeue(open.job, open.attempts + 1);
    if (pump) this.pump();
  }

  #wakeIn(ms: number): void {
    const at = this.#ctx.monotonic() + Math.max(1, ms);
    if (this.#wake && this.#wakeAt <= at) return;
    clearTimeout(this.#wake);
    this.#wakeAt = at;
    this.#wake = setTimeout(() => {
      this.#wake = undefined;
      this.#wakeAt = Infinity;
      this.pump();
    }, Math.max(1, ms));
    this.#wake.unref();
  }

  /** Nodes with room that rest after a decline: pump again when the first rest ends. */
  #wakeForCooldowns(): void {
    let earliest = Infinity;
    for (const link of this.#links) {
      if (link.takesOffers && this.#slots(link.node).size < link.maxConcurrentJobs) earliest = Math.min(earliest, this.#rests.firstEnd(link.node, link.tasks));
    }
    if (earliest !== Infinity) this.#wakeIn(earliest - this.#ctx.monotonic());
  }
}
