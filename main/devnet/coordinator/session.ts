/**
 * One node's connection, from `hello` to close.
 *
 *   hello sent ──login ok──▶ open ──capabilities + availability──▶ ready (offers, vouchers)
 *        │                    │
 *        └─ anything else ──▶ error (fatal) and close
 *
 * Frames are handled one at a time, in order (a result is never checked
 * before the login it follows is done); reading pauses while too many wait.
 * Bad input is answered with a typed `error` — fatal only for oversized
 * frames, another protocol version, and anything but a login before login —
 * counted, and logged once per reason. Nothing a node sends can throw out of
 * here: one bad node never affects another.
 */
import { randomBytes } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import type { TaskKind } from '../../../shared/jobs.ts';
import { NO_PAYEE } from '../../../shared/protocol/eip712.ts';
import {
  encodeCoordinatorMessage,
  newMessageId,
  parseNodeMessage,
  PROTOCOL_VERSION,
  type CoordinatorErrorCode,
  type CoordinatorMessage,
  type NodeMessage,
  type ParseResult,
} from '../../../shared/protocol/messages.ts';
import type { Address } from '../../../shared/voucher.ts';
import { errorMessage } from '../../../shared/errors.ts';
import type { CoordinatorContext, NodeLink } from './context.ts';
import type { Dispatcher } from './dispatch.ts';
import { checkLogin } from './login.ts';
import { RejectionLog } from './metrics.ts';
import { ack, errorAnswer, type Answer, type Results } from './results.ts';
import type { VoucherIssuer } from './vouchers.ts';

/** Close codes the node sees (ws itself uses 1009 for a frame over maxPayload and 1007 for invalid UTF-8). */
export const CLOSE_CODES = {
  /** Nothing heard for 3 × heartbeatMs: reconnect. */
  silent: 4000,
  /** The same node key logged in on another connection. */
  replaced: 4001,
  /** After a fatal `error`. */
  fatal: 1008,
  /** The coordinator is shutting down. */
  shutdown: 1001,
} as const;

/** A connection must log in within this long. */
export const LOGIN_TIMEOUT_MS = 30_000;
/** Frames waiting to be handled before reading pauses. */
const MAX_WAITING_FRAMES = 64;
/** Before login a connection is nobody: one login frame is all it may send, and a login is small. */
const MAX_FRAME_BEFORE_LOGIN = 16 * 1024;

export interface SessionDeps {
  ctx: CoordinatorContext;
  heartbeatMs: number;
  dispatcher: Dispatcher;
  vouchers: VoucherIssuer;
  results: Results;
  /** Makes this session its node's one live session, closing an older one. */
  claim(session: Session): void;
  /** The session closed. */
  release(session: Session): void;
  /** Lets close() wait for frames still being handled. */
  track(work: Promise<unknown>): void;
  /** True once the coordinator is closing: frames are no longer handled. */
  closing(): boolean;
}

export class Session implements NodeLink {
  node: Address = NO_PAYEE;
  payee: Address | null = null;
  tasks: ReadonlySet<TaskKind> = new Set();
  maxConcurrentJobs = 0;
  /** Resolves once the socket has closed. */
  readonly closed: Promise<void>;

  readonly #ws: WebSocket;
  readonly #deps: SessionDeps;
  readonly #ctx: CoordinatorContext;
  readonly #nonce = randomBytes(24).toString('base64url');
  readonly #rejections: RejectionLog;
  readonly #openedAt: number;
  #phase: 'login' | 'open' | 'closed' = 'login';
  #capabilities = false;
  #availability: 'running' | 'paused' | undefined;
  #announced = false;
  #queue: Promise<void> = Promise.resolve();
  #waiting = 0;
  #lastHeard: number;
  readonly #beat: NodeJS.Timeout;
  readonly #watch: NodeJS.Timeout;

  constructor(ws: WebSocket, deps: SessionDeps, peer: string) {
    this.#ws = ws;
    this.#deps = deps;
    this.#ctx = deps.ctx;
    this.#openedAt = this.#lastHeard = deps.ctx.monotonic();
    this.#rejections = new RejectionLog(deps.ctx.log, () => (this.#phase === 'login' ? `connection ${peer}` : `node ${this.node}`), deps.ctx.monotonic);
    this.closed = new Promise((resolve) => ws.once('close', () => resolve()));
    ws.on('message', (data: RawData) => this.#receive(data));
    ws.on('pong', () => (this.#lastHeard = this.#ctx.monotonic()));
    ws.on('error', (error) => this.#socketError(error));
    ws.once('close', () => this.#closed());
    this.#beat = setInterval(() => this.send({ v: PROTOCOL_VERSION, type: 'heartbeat', id: newMessageId(), at: this.#ctx.now() }), deps.heartbeatMs);
    this.#watch = setInterval(() => this.#checkLiveness(), Math.min(1000, deps.heartbeatMs));
    this.#beat.unref();
    this.#watch.unref();
    this.send({
      v: PROTOCOL_VERSION,
      type: 'hello',
      id: newMessageId(),
      nonce: this.#nonce,
      serverTime: this.#ctx.now(),
      heartbeatMs: deps.heartbeatMs,
      network: { chainId: this.#ctx.network.chainId, escrow: this.#ctx.network.escrow, token: this.#ctx.network.token.address, payer: this.#ctx.payer.address },
    });
  }

  get loggedIn(): boolean {
    return this.#phase === 'open';
  }

  get ready(): boolean {
    return this.#phase === 'open' && this.#capabilities && this.#availability !== undefined && this.#ws.readyState === this.#ws.OPEN;
  }

  get takesOffers(): boolean {
    return this.ready && this.#availability === 'running';
  }

  send(message: CoordinatorMessage): boolean {
    if (this.#ws.readyState !== this.#ws.OPEN) return false;
    let frame: string;
    try {
      frame = encodeCoordinatorMessage(message);
    } catch (error) {
      this.#ctx.log('error', `a ${message.type} for ${this.node} could not be encoded: ${errorMessage(error)}`);
      return false;
    }
    this.#ws.send(frame);
    return true;
  }

  close(code: number, reason: string): void {
    if (this.#ws.readyState === this.#ws.OPEN || this.#ws.readyState === this.#ws.CONNECTING) this.#ws.close(code, reason);
  }

  /** Drops the connection without a closing handshake (shutdown, when the peer does not answer). */
  terminate(): void {
    this.#ws.terminate();
  }

  // ---- frames ------------------------------------------------------------------

  #receive(data: RawData): void {
    this.#lastHeard = this.#ctx.monotonic();
    if (this.#deps.closing()) return;
    const frame = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
    if (this.#phase === 'login' && (frame.byteLength > MAX_FRAME_BEFORE_LOGIN || this.#waiting >= 2)) {
      // Unauthenticated memory: a stranger may not park megabytes of frames here while the login is checked.
      this.#ctx.log('warn', `a connection sent ${frame.byteLength} bytes before logging in; closed`);
      this.#ws.close(1008, 'log in first');
      return;
    }
    this.#waiting += 1;
    if (this.#waiting > MAX_WAITING_FRAMES && !this.#ws.isPaused) this.#ws.pause();
    const work = this.#queue
      .then(() => (this.#deps.closing() ? undefined : this.#handle(frame)))
      .catch((error: unknown) => {
        this.#ctx.log('error', `handling a frame from ${this.node} failed: ${errorMessage(error)}`);
        this.send(errorAnswer('internal', 'the coordinator failed to handle this message', null));
      })
      .finally(() => {
        this.#waiting -= 1;
        if (this.#ws.isPaused && this.#waiting <= MAX_WAITING_FRAMES / 2) this.#ws.resume();
      });
    this.#queue = work;
    this.#deps.track(work);
  }

  async #handle(frame: Buffer): Promise<void> {
    const parsed = parseNodeMessage(frame);
    if (!parsed.ok) return this.#badFrame(parsed);
    const message = parsed.message;
    if (this.#phase === 'login') return this.#beforeLogin(message);
    switch (message.type) {
      case 'login':
        return this.#reject('bad_login', 'this connection is already logged in', message.id, false);
      case 'capabilities':
        this.tasks = new Set(message.tasks);
        this.maxConcurrentJobs = message.maxConcurrentJobs;
        this.#capabilities = true;
        return this.#changed();
      case 'availability':
        this.#availability = message.state;
        return this.#changed();
      case 'accept':
        if (this.#deps.dispatcher.accepted(this, message.jobId) === 'unknown') this.#reject('unknown_job', `job ${message.jobId} was not offered to this node`, message.id, false);
        return;
      case 'decline':
        if (this.#deps.dispatcher.declined(this, message.jobId, message.reason) === 'unknown') {
          this.#reject('unknown_job', `job ${message.jobId} was not offered to this node`, message.id, false);
        }
        return;
      case 'result':
        return this.#answer(this.#deps.results.result(this, message));
      case 'failed':
        return this.#answer(this.#deps.results.failed(this, message));
      case 'ack':
        this.#deps.vouchers.acked(this, message.ref);
        return;
      case 'heartbeat':
        return;
    }
  }

  async #beforeLogin(message: NodeMessage): Promise<void> {
    if (message.type === 'heartbeat') return;
    if (message.type !== 'login') return this.#reject('not_logged_in', `a ${message.type} before login`, message.id, true);
    const check = await checkLogin(message, { nonce: this.#nonce, chainId: this.#ctx.network.chainId, wsUrl: this.#ctx.wsUrl, now: this.#ctx.now() });
    if (!check.ok) return this.#reject('bad_login', check.reason, message.id, true);
    if (this.#phase !== 'login') return; // closed while the signature was checked
    this.node = check.node;
    this.payee = check.payee;
    this.#ctx.ledger.recordLogin(check.node, check.payee, this.#ctx.now());
    this.#phase = 'open';
    this.#deps.claim(this);
    this.send(ack(message.id));
    this.#ctx.log('info', `node ${check.node} logged in${check.payee ? ` (payee ${check.payee})` : ' (no payee yet)'}`);
  }

  /** Capabilities or availability changed: the first time both are known the node is ready (offers, then the voucher re-send). */
  #changed(): void {
    if (!this.#announced && this.ready) {
      this.#announced = true;
      this.#deps.vouchers.ready(this);
      this.#deps.dispatcher.attach(this);
      return;
    }
    this.#deps.dispatcher.pump();
  }

  #answer(answer: Answer): void {
    if (answer.type === 'error') this.#count(answer.code, answer.message);
    this.send(answer);
  }

  #badFrame(parsed: Extract<ParseResult<NodeMessage>, { ok: false }>): void {
    const fatal = this.#phase === 'login' || parsed.reason === 'frame_too_large' || parsed.reason === 'unsupported_version';
    this.#reject(parsed.reason, parsed.issues.join('; ') || parsed.reason, parsed.ref, fatal);
  }

  #reject(code: CoordinatorErrorCode, message: string, ref: string | null, fatal: boolean): void {
    this.#count(code, message);
    this.send(errorAnswer(code, message, ref, fatal));
    if (fatal) this.close(CLOSE_CODES.fatal, code);
  }

  #count(reason: string, detail: string): void {
    this.#ctx.metrics.rejection(reason);
    this.#rejections.note(reason, detail);
  }

  // ---- the socket ----------------------------------------------------------------

  #socketError(error: Error): void {
    // ws has already closed the socket (1009 for a frame over maxPayload, 1007 for bad UTF-8): count it like a parse failure.
    const code = (error as { code?: unknown }).code;
    const reason = code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ? 'frame_too_large' : code === 'WS_ERR_INVALID_UTF8' ? 'malformed_json' : 'socket_error';
    this.#count(reason, error.message);
  }

  #checkLiveness(): void {
    const now = this.#ctx.monotonic();
    if (now - this.#lastHeard > 3 * this.#deps.heartbeatMs) {
      this.#rejections.note('silent', `nothing heard for ${3 * this.#deps.heartbeatMs} ms; closing`);
      this.close(CLOSE_CODES.silent, 'no heartbeat');
    } else if (this.#phase === 'login' && now - this.#openedAt > LOGIN_TIMEOUT_MS) {
      this.#reject('not_logged_in', `no login within ${LOGIN_TIMEOUT_MS / 1000} s`, null, true);
    }
  }

  #closed(): void {
    const wasOpen = this.#phase === 'open';
    this.#phase = 'closed';
    clearInterval(this.#beat);
    clearInterval(this.#watch);
    this.#rejections.flush();
    if (this.#announced) this.#deps.dispatcher.detach(this);
    this.#deps.release(this);
    if (wasOpen) this.#ctx.log('info', `node ${this.node} disconnected`);
  }
}
