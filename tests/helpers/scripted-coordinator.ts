/**
 * A coordinator the test drives by hand: an HTTP server with the network
 * manifest (and any files a test serves, such as models) and a `ws` endpoint
 * that says `hello`, acknowledges logins, and otherwise does only what the
 * test tells it. It signs offers and vouchers with a real payer key, and
 * records every frame the node sends, parsed, for the test to wait on.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { WebSocketServer, type WebSocket } from 'ws';
import { offerTypedData } from '../../shared/protocol/eip712.ts';
import { MANIFEST_PATH } from '../../shared/protocol/manifest.ts';
import {
  encodeCoordinatorMessage,
  newMessageId,
  parseNodeMessage,
  PROTOCOL_VERSION,
  type CoordinatorMessage,
  type NodeMessage,
  type NodeMessageOf,
  type NodeMessageType,
  type Offer,
} from '../../shared/protocol/messages.ts';
import { encodeTensor, type JobInputs } from '../../shared/protocol/payloads.ts';
import { voucherDomain, voucherTypes, type Address, type Hex, type Voucher } from '../../shared/voucher.ts';

export const CHAIN_ID = 31337;
const address = (n: number): Address => `0x${n.toString(16).padStart(40, '0')}`;

export interface Received<M extends NodeMessage = NodeMessage> {
  message: M;
  connection: number;
}

type WithoutEnvelope<M> = M extends unknown ? Omit<M, 'v' | 'id'> : never;

export interface ScriptedCoordinatorOptions {
  payer?: LocalAccount;
  heartbeatMs?: number;
  /** Acknowledge a login right away (default true). */
  ackLogin?: boolean;
}

export class ScriptedCoordinator {
  readonly payer: LocalAccount;
  readonly escrow = address(0xe5c);
  readonly token = address(0x70c);
  readonly chainId = CHAIN_ID;
  /** Edited by tests (another payer, another version); served as JSON as it stands. */
  manifest: Record<string, unknown> = {};
  /** Served verbatim instead of the manifest when set. */
  manifestBody: string | null = null;
  heartbeatMs: number;
  ackLogin: boolean;
  /** Sent in `hello`'s network summary; defaults to the manifest's terms. */
  summaryOverride: Record<string, unknown> | null = null;
  readonly received: Received[] = [];
  /** Frames from the node that broke the protocol schema: a node bug; tests expect none. */
  readonly invalid: string[] = [];
  /** The nonce of each connection's hello, in order. */
  readonly nonces: string[] = [];
  readonly closes: { code: number; reason: string; connection: number }[] = [];
  readonly files = new Map<string, Uint8Array>();
  connections = 0;
  manifestRequests = 0;
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  #socket: WebSocket | null = null;
  #consumed = new Set<Received>();
  #waiters: (() => void)[] = [];
  port = 0;

  private constructor(options: ScriptedCoordinatorOptions) {
    this.payer = options.payer ?? privateKeyToAccount(generatePrivateKey());
    this.heartbeatMs = options.heartbeatMs ?? 60_000;
    this.ackLogin = options.ackLogin ?? true;
    this.#http = createServer((request, response) => this.#serve(request, response));
    this.#wss = new WebSocketServer({ server: this.#http, path: '/ws', maxPayload: 64 * 1024 * 1024 });
    this.#wss.on('connection', (socket) => this.#onConnection(socket));
  }

  static async start(options: ScriptedCoordinatorOptions = {}, port = 0): Promise<ScriptedCoordinator> {
    const coordinator = new ScriptedCoordinator(options);
    await new Promise<void>((resolve, reject) => {
      coordinator.#http.once('error', reject);
      coordinator.#http.listen(port, '127.0.0.1', () => resolve());
    });
    coordinator.port = (coordinator.#http.address() as AddressInfo).port;
    coordinator.manifest = {
      protocolVersion: PROTOCOL_VERSION,
      chainId: CHAIN_ID,
      escrow: coordinator.escrow,
      token: { address: coordinator.token, symbol: 'tUSD', decimals: 6 },
      payer: coordinator.payer.address,
      coordinator: coordinator.coordinatorUrl,
    };
    return coordinator;
  }

  get networkUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get coordinatorUrl(): string {
    return `ws://127.0.0.1:${this.port}/ws`;
  }

  get connected(): boolean {
    return this.#socket !== null;
  }

  #serve(request: IncomingMessage, response: ServerResponse): void {
    const path = request.url ?? '/';
    if (path === MANIFEST_PATH) {
      this.manifestRequests++;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(this.manifestBody ?? JSON.stringify(this.manifest));
      return;
    }
    const file = this.files.get(path);
    if (file) {
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.byteLength });
      response.end(file);
      return;
    }
    response.writeHead(404).end();
  }

  #onConnection(socket: WebSocket): void {
    const connection = ++this.connections;
    this.#socket?.terminate();
    this.#socket = socket;
    socket.on('message', (data: Buffer) => {
      const parsed = parseNodeMessage(data.toString('utf8'));
      if (!parsed.ok) {
        this.invalid.push(`${parsed.reason}: ${parsed.issues.join('; ')}`);
        return;
      }
      const message = parsed.message;
      this.received.push({ message, connection });
      if (message.type === 'login' && this.ackLogin) this.send({ type: 'ack', ref: message.id });
      for (const wake of this.#waiters.splice(0)) wake();
    });
    socket.on('close', (code, reason) => {
      this.closes.push({ code, reason: reason.toString(), connection });
      if (this.#socket === socket) this.#socket = null;
      for (const wake of this.#waiters.splice(0)) wake();
    });
    const summary = this.summaryOverride ?? { chainId: this.chainId, escrow: this.escrow, token: this.token, payer: this.payer.address };
    const nonce = randomBytes(16).toString('hex');
    this.nonces.push(nonce);
    this.sendRaw(
      JSON.stringify({
        v: PROTOCOL_VERSION,
        type: 'hello',
        id: newMessageId(),
        nonce,
        serverTime: Date.now(),
        heartbeatMs: this.heartbeatMs,
        network: summary,
      }),
    );
  }

  /** Sends a message (validated by the protocol schema); returns its id. */
  send(message: WithoutEnvelope<CoordinatorMessage>): string {
    const id = newMessageId();
    this.sendRaw(encodeCoordinatorMessage({ ...message, v: PROTOCOL_VERSION, id }));
    return id;
  }

  /** Sends any text as one frame. */
  sendRaw(frame: string | Buffer): void {
    if (!this.#socket) throw new Error('no node is connected');
    this.#socket.send(frame);
  }

  /** The next message of `type` (matching `where`) not yet taken, waiting for it. */
  async next<T extends NodeMessageType>(
    type: T,
    where: (message: NodeMessageOf<T>, connection: number) => boolean = () => true,
    timeoutMs = 10_000,
  ): Promise<Received<NodeMessageOf<T>>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find(
        (r): r is Received<NodeMessageOf<T>> => !this.#consumed.has(r) && r.message.type === type && where(r.message as NodeMessageOf<T>, r.connection),
      );
      if (found) {
        this.#consumed.add(found);
        return found;
      }
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for a ${type} from the node (received: ${this.received.map((r) => r.message.type).join(', ')})`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Resolves once the connection count reaches `n` and a node is connected. */
  async waitForConnection(n: number, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.connections < n || !this.#socket) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for connection ${n}`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  /** Messages of `type` received so far (taken or not). */
  all<T extends NodeMessageType>(type: T): NodeMessageOf<T>[] {
    return this.received.filter((r) => r.message.type === type).map((r) => r.message as NodeMessageOf<T>);
  }

  /** A signed offer: a small tensor job for `scale` unless told otherwise. */
  async offer(fields: Partial<Omit<Offer, 'signature'>> & { signer?: LocalAccount } = {}): Promise<Offer> {
    const { signer = this.payer, ...rest } = fields;
    const inputs: JobInputs = { task: 'tensor', tensors: [encodeTensor('x', { type: 'float32', dims: [3], data: Float32Array.of(1, 2, 3) })] };
    const unsigned: Omit<Offer, 'signature'> = {
      jobId: `0x${randomBytes(32).toString('hex')}`,
      task: 'tensor',
      model: { id: 'scale', sha256: 'a'.repeat(64), url: `${this.networkUrl}/models/scale.onnx`, sizeBytes: 100 },
      inputs,
      price: 1000n,
      deadlineAt: Date.now() + 60_000,
      payer: this.payer.address,
      ...rest,
    };
    const signature = await signer.signTypedData(offerTypedData(this.chainId, unsigned));
    return { ...unsigned, signature };
  }

  /** Signs and sends an offer; returns it with the message id. */
  async sendOffer(fields: Parameters<ScriptedCoordinator['offer']>[0] = {}): Promise<{ offer: Offer; id: string }> {
    const offer = await this.offer(fields);
    return { offer, id: this.send({ type: 'offer', offer }) };
  }

  /** A voucher for `amount` in total to `provider`, signed by the payer (or `signer`). */
  async voucher(provider: Address, amount: bigint, signer: LocalAccount = this.payer): Promise<Voucher> {
    const signature: Hex = await signer.signTypedData({
      domain: voucherDomain(this.chainId, this.escrow),
      types: voucherTypes,
      primaryType: 'Voucher',
      message: { payer: this.payer.address, provider, cumulativeAmount: amount },
    });
    return { chainId: this.chainId, escrow: this.escrow, payer: this.payer.address, provider, cumulativeAmount: amount, signature };
  }

  /** Cuts the node's connection without a closing handshake (a crash, a cable pulled). */
  drop(): void {
    this.#socket?.terminate();
  }

  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }
}
