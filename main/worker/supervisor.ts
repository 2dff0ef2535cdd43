import type {
  ExecutionProviderName,
  FromWorker,
  OcrLine,
  ProviderReport,
  TensorSpec,
  ToWorker,
  WireTensor,
  WorkerConfig,
  WorkerErrorCode,
} from '../../shared/worker-protocol.ts';
import type { SpawnWorker, WorkerExit, WorkerSpawnSpec, WorkerTransport } from './transport.ts';
import { errorMessage } from '../../shared/errors.ts';

/** A job or worker failure with a typed code (shared/worker-protocol.ts). */
export class WorkerError extends Error {
  override name = 'WorkerError';
  readonly code: WorkerErrorCode;
  constructor(code: WorkerErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export type SupervisorState = 'idle' | 'starting' | 'ready' | 'paused' | 'backoff' | 'failed' | 'stopped';

export type WorkerEvent =
  | { type: 'started'; pid: number; providers: ProviderReport[]; startMs: number }
  | { type: 'crashed'; pid: number | undefined; reason: string; inFlight: number }
  | { type: 'killed'; pid: number | undefined; reason: 'deadline' | 'pause' | 'stop' | 'unresponsive' }
  | { type: 'restarting'; attempt: number; delayMs: number }
  | { type: 'gave_up'; crashes: number; windowMs: number }
  | { type: 'provider_fallback'; model: string; provider: ExecutionProviderName; reason: string };

export interface ModelInfo {
  inputs: TensorSpec[];
  outputs: TensorSpec[];
  provider: ExecutionProviderName;
  fallbackReason?: string;
}

export interface RunResult {
  outputs: Record<string, WireTensor>;
  durationMs: number;
  provider: ExecutionProviderName;
}

export interface OcrJob {
  /** The sha256 of an OCR bundle (shared/ocr-bundle.ts). */
  modelSha256: string;
  modelBytes: () => Uint8Array | Promise<Uint8Array>;
  /** PNG or JPEG bytes, as they arrived. */
  image: Uint8Array;
  deadlineMs: number;
}

export interface OcrRunResult {
  lines: OcrLine[];
  durationMs: number;
  provider: ExecutionProviderName;
}

export interface EmbeddingJob {
  /** The sha256 of an embedding bundle (shared/embedding-bundle.ts). */
  modelSha256: string;
  modelBytes: () => Uint8Array | Promise<Uint8Array>;
  texts: string[];
  deadlineMs: number;
}

export interface EmbeddingRunResult {
  /** Row-major [texts, dim]. */
  vectors: Float32Array;
  dims: [number, number];
  tokens: number[];
  durationMs: number;
  provider: ExecutionProviderName;
}

export interface TensorJob {
  modelSha256: string;
  /** Called once per worker incarnation that has not loaded this model yet. */
  modelBytes: () => Uint8Array | Promise<Uint8Array>;
  inputs: Record<string, WireTensor>;
  deadlineMs: number;
}

export interface SupervisorOptions {
  spawn: SpawnWorker;
  /** Built afresh for each start, so changed limits apply at the next start. */
  spec: () => WorkerSpawnSpec;
  config: () => WorkerConfig;
  onEvent?: (event: WorkerEvent) => void;
  onStderr?: (line: string) => void;
  readyTimeoutMs?: number;
  /** After a deadline, how long the worker may take to answer before it is killed. */
  deadlineGraceMs?: number;
  /** On pause, how long an idle worker may take to release its sessions before it is killed. */
  pauseGraceMs?: number;
  backoff?: { initialMs: number; maxMs: number; maxCrashes: number; windowMs: number };
}

interface Pending {
  resolve(message: FromWorker): void;
  reject(error: WorkerError): void;
}

interface Incarnation {
  transport: WorkerTransport;
  ready: Promise<void>;
  pending: Map<number, Pending>;
  loaded: Map<string, Promise<ModelInfo>>;
  /** Why we ended it, if we did: decides what in-flight jobs are told. */
  endedBy?: 'deadline' | 'pause' | 'stop' | 'unresponsive';
  lastMessageAt: number;
  providers: ProviderReport[];
  isReady: boolean;
  /** Resolves when the process has exited (its memory is back). */
  exited: Promise<void>;
}

const DEFAULT_BACKOFF = { initialMs: 100, maxMs: 10_000, maxCrashes: 5, windowMs: 60_000 };

/**
 * Supervises the inference worker: ready handshake, numbered requests, a
 * deadline per job, restart with exponential backoff after a crash (giving up
 * after repeated crashes), and pause/preempt. Inference never runs here.
 */
export class WorkerSupervisor {
  readonly #options: Required<Omit<SupervisorOptions, 'onEvent' | 'onStderr'>> & Pick<SupervisorOptions, 'onEvent' | 'onStderr'>;
  #state: SupervisorState = 'idle';
  #current: Incarnation | undefined;
  #starting: Promise<Incarnation> | undefined;
  #nextId = 1;
  #crashTimes: number[] = [];
  #restartTimer: NodeJS.Timeout | undefined;
  #restarts = 0;
  #lastCrash: string | undefined;
  /** Models the worker held when last paused: loaded again on resume. */
  #reloadOnResume = new Map<string, () => Uint8Array | Promise<Uint8Array>>();
  /** Every model loaded in this worker's life, and where its bytes come from. */
  readonly #sources = new Map<string, () => Uint8Array | Promise<Uint8Array>>();

  constructor(options: SupervisorOptions) {
    this.#options = {
      readyTimeoutMs: 20_000,
      deadlineGraceMs: 250,
      pauseGraceMs: 150,
      backoff: DEFAULT_BACKOFF,
      ...options,
    };
  }

  get state(): SupervisorState {
    return this.#state;
  }

  status(): { state: SupervisorState; pid: number | undefined; providers: ProviderReport[]; restarts: number; lastCrash: string | undefined; inFlight: number } {
    return {
      state: this.#state,
      pid: this.#current?.transport.pid,
      providers: this.#current?.providers ?? [],
      restarts: this.#restarts,
      lastCrash: this.#lastCrash,
      inFlight: this.#current?.pending.size ?? 0,
    };
  }

  /** Starts the worker now (otherwise the first job does). Resolves when it is ready. */
  async start(): Promise<void> {
    await this.#ensureWorker();
  }

  async run(job: TensorJob): Promise<RunResult> {
    const reply = await this.#job(job, (id) => ({ type: 'run', id, task: 'tensor', sha256: job.modelSha256, inputs: job.inputs }), 'result');
    return { outputs: reply.outputs, durationMs: reply.durationMs, provider: reply.provider };
  }

  /** Text lines with boxes and confidences from an image; the image is decoded and processed inside the worker. */
  async runOcr(job: OcrJob): Promise<OcrRunResult> {
    const reply = await this.#job(job, (id) => ({ type: 'run', id, task: 'ocr', sha256: job.modelSha256, image: job.image }), 'ocrResult');
    return { lines: reply.lines, durationMs: reply.durationMs, provider: reply.provider };
  }

  /** Sentence embeddings of `texts`; tokenisation and pooling happen inside the worker. */
  async runEmbedding(job: EmbeddingJob): Promise<EmbeddingRunResult> {
    const reply = await this.#job(job, (id) => ({ type: 'run', id, task: 'embedding', sha256: job.modelSha256, texts: job.texts }), 'embeddingResult');
    return { vectors: reply.vectors, dims: reply.dims, tokens: reply.tokens, durationMs: reply.durationMs, provider: reply.provider };
  }

  /** One job: a ready worker, its model loaded, the request under its deadline, the reply of the expected kind. */
  async #job<T extends FromWorker['type']>(
    job: { modelSha256: string; modelBytes: () => Uint8Array | Promise<Uint8Array>; deadlineMs: number },
    build: (id: number) => ToWorker,
    expected: T,
  ): Promise<Extract<FromWorker, { type: T }>> {
    const deadlineMs = checkDeadline(job.deadlineMs);
    const worker = await this.#ensureWorker();
    await this.#ensureLoaded(worker, job.modelSha256, job.modelBytes);
    // A pause (or stop) may have come while this job waited for the worker or its model.
    this.#assertRunnable(worker);
    const reply = await this.#request(worker, build, deadlineMs);
    if (reply.type !== expected) throw new WorkerError('run_failed', `unexpected reply ${reply.type}`);
    return reply as Extract<FromWorker, { type: T }>;
  }

  /** What the worker knows of a model (loading it if needed): its declared inputs and outputs. */
  async describe(modelSha256: string, modelBytes: () => Uint8Array | Promise<Uint8Array>): Promise<ModelInfo> {
    return this.#ensureLoaded(await this.#ensureWorker(), modelSha256, modelBytes);
  }

  /**
   * Stops new work, ends running jobs (they fail with `paused`) and frees every
   * session: an idle worker releases them; a busy one — whose thread is inside
   * a run that cannot be interrupted — is killed, which frees its memory at once.
   */
  async pause(): Promise<'none' | 'released' | 'killed'> {
    if (this.#state === 'stopped' || this.#state === 'failed') return 'none';
    this.#state = 'paused';
    this.#clearRestart();
    const worker = this.#current;
    if (!worker) return 'none';
    for (const sha256 of worker.loaded.keys()) {
      const source = this.#sources.get(sha256);
      if (source) this.#reloadOnResume.set(sha256, source);
    }
    if (worker.pending.size > 0 || !worker.isReady) {
      // Busy inside a run it cannot leave, or still starting: end it; paused means its memory is back.
      this.#end(worker, 'pause');
      await Promise.race([worker.exited, new Promise((resolve) => setTimeout(resolve, 2000).unref())]);
      return 'killed';
    }
    // Forget the sessions before asking: the worker handles messages in order, so a load sent
    // after this (a job right after resume) lands after the release.
    worker.loaded.clear();
    try {
      await this.#request(worker, (id) => ({ type: 'release', id }), this.#options.pauseGraceMs, 'unresponsive');
      return 'released';
    } catch {
      return 'killed';
    }
  }

  /**
   * Accepts work again and, in the background, starts the worker and loads the
   * models it held before the pause, so the first job after a game is as fast
   * as before it. Resolves when they are back (failures are left to the next job).
   */
  async resume(): Promise<void> {
    if (this.#state !== 'paused') return;
    this.#state = this.#current ? 'ready' : 'idle';
    const models = [...this.#reloadOnResume];
    this.#reloadOnResume.clear();
    if (models.length === 0) return;
    try {
      const worker = await this.#ensureWorker();
      await Promise.allSettled(models.map(([sha256, bytes]) => this.#ensureLoaded(worker, sha256, bytes)));
    } catch {
      // paused again, or the worker could not start: the next job tries again
    }
  }

  /** Ends the worker for good (app shutdown). */
  stop(): void {
    this.#state = 'stopped';
    this.#clearRestart();
    if (this.#current) this.#end(this.#current, 'stop');
  }

  // ---- internals ---------------------------------------------------------

  async #ensureWorker(): Promise<Incarnation> {
    switch (this.#state) {
      case 'paused':
        throw new WorkerError('paused', 'Hearth is paused');
      case 'stopped':
        throw new WorkerError('worker_unavailable', 'the worker is stopped');
      case 'failed':
        throw new WorkerError('worker_unavailable', `the inference worker kept crashing and was given up (${this.#lastCrash ?? 'unknown reason'})`);
      case 'backoff':
        throw new WorkerError('worker_unavailable', `the inference worker is restarting after a crash (${this.#lastCrash ?? 'unknown reason'})`);
      default:
    }
    if (this.#current && this.#state === 'ready') return this.#current;
    this.#starting ??= this.#spawn().finally(() => (this.#starting = undefined));
    return this.#starting;
  }

  async #spawn(): Promise<Incarnation> {
    this.#clearRestart();
    this.#state = 'starting';
    const startedAt = performance.now();
    const transport = this.#options.spawn(this.#options.spec());
    let readyResolve!: () => void;
    let readyReject!: (error: WorkerError) => void;
    let exitedResolve!: () => void;
    const worker: Incarnation = {
      isReady: false,
      exited: new Promise<void>((resolve) => (exitedResolve = resolve)),
      transport,
      ready: new Promise<void>((resolve, reject) => {
        readyResolve = resolve;
        readyReject = reject;
      }),
      pending: new Map(),
      loaded: new Map(),
      lastMessageAt: Date.now(),
      providers: [],
    };
    this.#current = worker;
    transport.onStderr((line) => this.#options.onStderr?.(line));
    transport.onMessage((message) => {
      worker.lastMessageAt = Date.now();
      if (message.type === 'ready') {
        worker.providers = message.providers;
        worker.isReady = true;
        readyResolve();
        return;
      }
      const pending = worker.pending.get(message.id);
      if (!pending) return; // answered after its deadline: already failed
      worker.pending.delete(message.id);
      if (message.type === 'error') pending.reject(new WorkerError(message.code, message.message));
      else pending.resolve(message);
    });
    transport.onExit((exit) => {
      exitedResolve();
      readyReject(new WorkerError('worker_crashed', `the worker exited before it was ready (${describeExit(exit)})`));
      this.#onExit(worker, exit);
    });
    transport.send({ type: 'configure', config: this.#options.config() });

    const timeout = setTimeout(() => readyReject(new WorkerError('worker_unavailable', `the worker was not ready within ${this.#options.readyTimeoutMs} ms`)), this.#options.readyTimeoutMs);
    try {
      await worker.ready;
    } catch (error) {
      if (this.#current === worker) this.#end(worker, 'unresponsive');
      // Ended on purpose while starting (a pause, a stop): say that, not "crashed".
      if (worker.endedBy === 'pause') throw new WorkerError('paused', 'Hearth was paused');
      if (worker.endedBy === 'stop') throw new WorkerError('worker_unavailable', 'the worker was stopped');
      throw error;
    } finally {
      clearTimeout(timeout);
    }
    if (this.#current !== worker) {
      // (read through the getter: the state may have changed while we awaited)
      throw this.state === 'paused' ? new WorkerError('paused', 'Hearth was paused') : new WorkerError('worker_unavailable', 'the worker was stopped while starting');
    }
    if (this.#state === 'starting') this.#state = 'ready';
    this.#options.onEvent?.({ type: 'started', pid: transport.pid ?? -1, providers: worker.providers, startMs: performance.now() - startedAt });
    return worker;
  }

  /** Throws `paused` (or unavailable) when the state no longer allows work on this worker. */
  #assertRunnable(worker: Incarnation): void {
    if (this.#state === 'paused') throw new WorkerError('paused', 'Hearth was paused');
    if (this.#current !== worker || this.#state === 'stopped' || this.#state === 'failed') {
      throw new WorkerError('worker_unavailable', 'the worker was replaced before the job could start');
    }
  }

  #ensureLoaded(worker: Incarnation, sha256: string, bytes: () => Uint8Array | Promise<Uint8Array>): Promise<ModelInfo> {
    this.#sources.set(sha256, bytes);
    let loading = worker.loaded.get(sha256);
    if (!loading) {
      loading = (async () => {
        const data = await bytes();
        this.#assertRunnable(worker);
        const reply = await this.#request(worker, (id) => ({ type: 'load', id, sha256, bytes: data }), 60_000);
        if (reply.type !== 'loaded') throw new WorkerError('model_invalid', `unexpected reply ${reply.type}`);
        if (reply.fallbackReason) this.#options.onEvent?.({ type: 'provider_fallback', model: sha256, provider: reply.provider, reason: reply.fallbackReason });
        return { inputs: reply.inputs, outputs: reply.outputs, provider: reply.provider, ...(reply.fallbackReason ? { fallbackReason: reply.fallbackReason } : {}) };
      })();
      worker.loaded.set(sha256, loading);
      loading.catch(() => worker.loaded.delete(sha256)); // a failed load may be retried
    }
    return loading;
  }

  #request(worker: Incarnation, build: (id: number) => ToWorker, deadlineMs: number, onOverrun: 'deadline' | 'unresponsive' = 'deadline'): Promise<FromWorker> {
    const id = this.#nextId++;
    const message = build(id);
    return new Promise<FromWorker>((resolve, reject) => {
      const timer = setTimeout(() => {
        if (!worker.pending.delete(id)) return;
        const firedAt = Date.now();
        reject(
          onOverrun === 'deadline'
            ? new WorkerError('deadline', `the job did not finish within its deadline of ${deadlineMs} ms`)
            : new WorkerError('worker_unavailable', `the worker did not answer within ${deadlineMs} ms`),
        );
        // The worker's thread may be stuck inside a run it cannot leave: kill it unless it speaks up.
        const grace = onOverrun === 'deadline' ? this.#options.deadlineGraceMs : 0;
        setTimeout(() => {
          if (this.#current === worker && worker.lastMessageAt < firedAt) this.#end(worker, onOverrun);
        }, grace).unref();
      }, deadlineMs);
      timer.unref();
      worker.pending.set(id, {
        resolve: (reply) => {
          clearTimeout(timer);
          resolve(reply);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      try {
        worker.transport.send(message);
      } catch (error) {
        // Not cloneable, or the channel closed: nothing reached the worker.
        worker.pending.get(id)?.reject(new WorkerError('invalid_input', `the job could not be sent to the worker: ${errorMessage(error)}`));
        worker.pending.delete(id);
      }
    });
  }

  /** Kills an incarnation on purpose; its exit handler tells the in-flight jobs why. */
  #end(worker: Incarnation, reason: NonNullable<Incarnation['endedBy']>): void {
    if (worker.endedBy) return;
    worker.endedBy = reason;
    this.#options.onEvent?.({ type: 'killed', pid: worker.transport.pid, reason });
    this.#failPending(worker, reason);
    if (this.#current === worker) {
      this.#current = undefined;
      if (this.#state === 'ready' || this.#state === 'starting') this.#state = 'idle';
    }
    worker.transport.kill('SIGKILL');
  }

  #failPending(worker: Incarnation, reason: NonNullable<Incarnation['endedBy']> | 'crash', detail = ''): void {
    const error = (): WorkerError => {
      switch (reason) {
        case 'pause':
          return new WorkerError('paused', 'stopped because Hearth was paused');
        case 'stop':
          return new WorkerError('worker_unavailable', 'the worker was stopped');
        case 'deadline':
        case 'unresponsive':
          return new WorkerError('worker_crashed', 'the worker was restarted because another job overran its deadline');
        case 'crash':
          return new WorkerError('worker_crashed', `the inference worker crashed (${detail})`);
      }
    };
    const pending = [...worker.pending.values()];
    worker.pending.clear();
    for (const p of pending) p.reject(error());
  }

  #onExit(worker: Incarnation, exit: WorkerExit): void {
    if (worker.endedBy) return; // we ended it; already handled
    const reason = describeExit(exit);
    const inFlight = worker.pending.size;
    this.#failPending(worker, 'crash', reason);
    if (this.#current !== worker) return;
    this.#current = undefined;
    this.#lastCrash = reason;
    this.#options.onEvent?.({ type: 'crashed', pid: worker.transport.pid, reason, inFlight });
    if (this.#state === 'paused' || this.#state === 'stopped') return;

    const now = Date.now();
    const { initialMs, maxMs, maxCrashes, windowMs } = this.#options.backoff;
    this.#crashTimes = [...this.#crashTimes.filter((t) => now - t < windowMs), now];
    if (this.#crashTimes.length > maxCrashes) {
      this.#state = 'failed';
      this.#options.onEvent?.({ type: 'gave_up', crashes: this.#crashTimes.length, windowMs });
      return;
    }
    const attempt = this.#crashTimes.length;
    const delayMs = Math.min(maxMs, initialMs * 2 ** (attempt - 1));
    this.#state = 'backoff';
    this.#options.onEvent?.({ type: 'restarting', attempt, delayMs });
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (this.#state !== 'backoff') return;
      this.#restarts++;
      this.#state = 'idle';
      this.#ensureWorker().catch(() => {
        // a failed restart is reported through its own exit
      });
    }, delayMs);
    this.#restartTimer.unref();
  }

  #clearRestart(): void {
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    this.#restartTimer = undefined;
  }
}

/** A deadline setTimeout can honour: finite, at least 1 ms, at most ~24.8 days. */
function checkDeadline(deadlineMs: number): number {
  if (!Number.isFinite(deadlineMs) || deadlineMs < 1) throw new WorkerError('invalid_input', `a job deadline must be a positive number of milliseconds, not ${deadlineMs}`);
  return Math.min(Math.floor(deadlineMs), 2 ** 31 - 1);
}

export function describeExit(exit: WorkerExit): string {
  if (exit.signal) return `signal ${exit.signal}${exit.signal === 'SIGKILL' ? ', possibly the out-of-memory killer' : ''}`;
  return `exit code ${exit.code ?? 'unknown'}`;
}
