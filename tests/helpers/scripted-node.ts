/**
 * A node played by a test: a `ws` client with a viem account as its node key,
 * speaking the coordinator protocol one explicit step at a time (log in,
 * announce, answer offers, send results), and able to send anything at all
 * (raw frames) to see how the coordinator takes it. Messages it receives wait
 * in an inbox until a test asks for them by type.
 */
import WebSocket from 'ws';
import type { LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import type { TaskKind } from '../../shared/jobs.ts';
import { hashOutputs, jobResultTypedData, loginTypedData, NO_PAYEE } from '../../shared/protocol/eip712.ts';
import {
  encodeNodeMessage,
  MAX_FRAME_BYTES,
  newMessageId,
  parseCoordinatorMessage,
  PROTOCOL_VERSION,
  type CoordinatorMessage,
  type CoordinatorMessageOf,
  type CoordinatorMessageType,
  type DeclineReason,
  type FailureCode,
  type NodeMessage,
  type Offer,
} from '../../shared/protocol/messages.ts';
import type { JobOutputs } from '../../shared/protocol/payloads.ts';
import type { Address, Hex } from '../../shared/voucher.ts';

const WAIT_MS = 5_000;

type Answer = CoordinatorMessageOf<'ack'> | CoordinatorMessageOf<'error'>;

interface Waiter {
  match: (message: CoordinatorMessage) => boolean;
  resolve: (message: CoordinatorMessage) => void;
}

export interface LoginOptions {
  payee?: Address | null;
  nonce?: string;
  issuedAt?: number;
  coordinator?: string;
  /** Signs the login instead of the node key (a bad signature). */
  signer?: LocalAccount;
}

export class ScriptedNode {
  readonly account: LocalAccount;
  readonly ws: WebSocket;
  readonly wsUrl: string;
  /** Every message received, in order (the inbox keeps the ones not yet taken). */
  readonly received: CoordinatorMessage[] = [];
  /** Frames that did not parse as coordinator messages. */
  readonly unparsed: string[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  hello!: CoordinatorMessageOf<'hello'>;
  /** The payee of the last login (results are signed for it). */
  payee: Address | null = null;
  readonly #inbox: CoordinatorMessage[] = [];
  readonly #waiters: Waiter[] = [];
  #heartbeat: NodeJS.Timeout | undefined;

  private constructor(ws: WebSocket, wsUrl: string, account: LocalAccount) {
    this.ws = ws;
    this.wsUrl = wsUrl;
    this.account = account;
    this.closed = new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
    ws.on('message', (data: WebSocket.RawData) => this.#receive(data));
    ws.on('error', () => undefined);
    void this.closed.then(() => clearInterval(this.#heartbeat));
  }

  /** Connects and waits for `hello`. */
  static async connect(wsUrl: string, options: { account?: LocalAccount; headers?: Record<string, string> } = {}): Promise<ScriptedNode> {
    const ws = new WebSocket(wsUrl, { maxPayload: MAX_FRAME_BYTES, headers: options.headers });
    const node = new ScriptedNode(ws, wsUrl, options.account ?? privateKeyToAccount(generatePrivateKey()));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
      ws.once('unexpected-response', (_request, response) => reject(new Error(`upgrade refused: ${response.statusCode}`)));
    });
    node.hello = await node.next('hello');
    return node;
  }

  /** The node key's address, lowercase (as the coordinator's ledger keeps it). */
  get address(): Address {
    return this.account.address.toLowerCase() as Address;
  }

  get chainId(): number {
    return this.hello.network.chainId;
  }

  send(message: NodeMessage): void {
    this.ws.send(encodeNodeMessage(message));
  }

  sendRaw(frame: string | Buffer): void {
    this.ws.send(frame);
  }

  /** The next received message of `type` (and matching `where`), waiting for it if need be. */
  next<T extends CoordinatorMessageType>(type: T, where: (message: CoordinatorMessageOf<T>) => boolean = () => true, timeoutMs = WAIT_MS): Promise<CoordinatorMessageOf<T>> {
    return this.#wait((message) => message.type === type && where(message as CoordinatorMessageOf<T>), type, timeoutMs) as Promise<CoordinatorMessageOf<T>>;
  }

  /** The `ack` or `error` that answers message `ref`. */
  answer(ref: string, timeoutMs = WAIT_MS): Promise<Answer> {
    return this.#wait((message) => (message.type === 'ack' || message.type === 'error') && message.ref === ref, `answer to ${ref}`, timeoutMs) as Promise<Answer>;
  }

  #wait(match: (message: CoordinatorMessage) => boolean, what: string, timeoutMs: number): Promise<CoordinatorMessage> {
    const index = this.#inbox.findIndex(match);
    const found = index >= 0 ? this.#inbox.splice(index, 1)[0] : undefined;
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { match, resolve };
      this.#waiters.push(waiter);
      setTimeout(() => {
        const at = this.#waiters.indexOf(waiter);
        if (at < 0) return;
        this.#waiters.splice(at, 1);
        reject(new Error(`no ${what} within ${timeoutMs} ms (inbox: ${this.#inbox.map((m) => m.type).join(', ') || 'empty'})`));
      }, timeoutMs).unref();
    });
  }

  /** Messages of `type` waiting in the inbox, taken out. */
  drain<T extends CoordinatorMessageType>(type: T): CoordinatorMessageOf<T>[] {
    const taken: CoordinatorMessageOf<T>[] = [];
    for (let i = 0; i < this.#inbox.length; ) {
      const message = this.#inbox[i];
      if (message?.type === type) {
        taken.push(message as CoordinatorMessageOf<T>);
        this.#inbox.splice(i, 1);
      } else i++;
    }
    return taken;
  }

  /** Signs and sends a login; resolves with the coordinator's answer. */
  async login(options: LoginOptions = {}): Promise<Answer> {
    const payee = options.payee === undefined ? null : options.payee;
    const fields = {
      node: this.account.address,
      payee: payee ?? NO_PAYEE,
      nonce: options.nonce ?? this.hello.nonce,
      issuedAt: options.issuedAt ?? Date.now(),
      coordinator: options.coordinator ?? this.wsUrl,
    };
    const signature = await (options.signer ?? this.account).signTypedData(loginTypedData(this.chainId, fields));
    const id = newMessageId();
    this.payee = payee;
    this.send({ v: PROTOCOL_VERSION, type: 'login', id, address: this.account.address, payee, nonce: fields.nonce, issuedAt: fields.issuedAt, coordinator: fields.coordinator, signature });
    return this.answer(id);
  }

  /** Capabilities, then availability: the node is ready for offers. */
  announce(options: { tasks?: TaskKind[]; maxConcurrentJobs?: number; state?: 'running' | 'paused' } = {}): void {
    this.send({
      v: PROTOCOL_VERSION,
      type: 'capabilities',
      id: newMessageId(),
      tasks: options.tasks ?? ['tensor', 'ocr', 'embedding'],
      models: [],
      executionProviders: ['cpu'],
      ramMiB: 4096,
      vramMiB: null,
      priceFloorPerHour: null,
      maxConcurrentJobs: options.maxConcurrentJobs ?? 1,
    });
    this.availability(options.state ?? 'running');
  }

  availability(state: 'running' | 'paused'): void {
    this.send({ v: PROTOCOL_VERSION, type: 'availability', id: newMessageId(), state, reason: state === 'paused' ? 'test pause' : null });
  }

  accept(jobId: Hex): void {
    this.send({ v: PROTOCOL_VERSION, type: 'accept', id: newMessageId(), jobId });
  }

  decline(jobId: Hex, reason: DeclineReason = 'busy'): void {
    this.send({ v: PROTOCOL_VERSION, type: 'decline', id: newMessageId(), jobId, reason, message: null });
  }

  /** A signed result for the offer; returns the message id (its answer: `answer(id)`). */
  async result(offer: Offer, outputs: JobOutputs, options: { payee?: Address | null; price?: bigint; signer?: LocalAccount; resultHash?: Hex; id?: string } = {}): Promise<string> {
    const resultHash = options.resultHash ?? hashOutputs(outputs);
    const completedAt = Date.now();
    const payee = options.payee === undefined ? this.payee : options.payee;
    const signature = await (options.signer ?? this.account).signTypedData(
      jobResultTypedData(this.chainId, { jobId: offer.jobId, payee: payee ?? NO_PAYEE, resultHash, price: options.price ?? offer.price, completedAt }),
    );
    const id = options.id ?? newMessageId();
    this.send({ v: PROTOCOL_VERSION, type: 'result', id, jobId: offer.jobId, outputs, resultHash, completedAt, signature, metrics: { durationMs: 1, executionProvider: 'cpu' } });
    return id;
  }

  failed(jobId: Hex, code: FailureCode = 'paused'): string {
    const id = newMessageId();
    this.send({ v: PROTOCOL_VERSION, type: 'failed', id, jobId, code, message: 'test failure' });
    return id;
  }

  ack(ref: string): void {
    this.send({ v: PROTOCOL_VERSION, type: 'ack', id: newMessageId(), ref });
  }

  heartbeat(): void {
    this.send({ v: PROTOCOL_VERSION, type: 'heartbeat', id: newMessageId(), at: Date.now() });
  }

  /** Sends a heartbeat every `ms` until closed. */
  keepAlive(ms: number): void {
    clearInterval(this.#heartbeat);
    this.#heartbeat = setInterval(() => {
      if (this.ws.readyState === WebSocket.OPEN) this.heartbeat();
    }, ms);
    this.#heartbeat.unref();
  }

  async close(): Promise<void> {
    clearInterval(this.#heartbeat);
    if (this.ws.readyState === WebSocket.CLOSED) return;
    this.ws.close(1000);
    await this.closed;
  }

  #receive(data: WebSocket.RawData): void {
    const text = Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.isBuffer(data) ? data.toString('utf8') : Buffer.from(data).toString('utf8');
    const parsed = parseCoordinatorMessage(text);
    if (!parsed.ok) {
      this.unparsed.push(text.slice(0, 500));
      return;
    }
    const message = parsed.message;
    this.received.push(message);
    const waiter = this.#waiters.find((candidate) => candidate.match(message));
    if (waiter) {
      this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
      waiter.resolve(message);
    } else {
      this.#inbox.push(message);
    }
  }
}
