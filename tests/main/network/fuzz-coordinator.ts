/**
 * A coordinator the fuzz test drives byte by byte: the manifest and model
 * files over HTTP, a WebSocket that says `hello` and acknowledges the login,
 * and then sends whatever frame it is handed — text or binary, valid UTF-8 or
 * not, any size. It keeps what the node answered where the test can count it
 * cheaply (declines by job id, acks by ref), signs offers and vouchers with
 * any key for any domain, and derives every key and id from the test's seeded
 * PRNG so a failing seed replays the same frames.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { LocalAccount } from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Random } from '../../../main/devnet/workload/random.ts';
import { offerTypedData } from '../../../shared/protocol/eip712.ts';
import { MANIFEST_PATH } from '../../../shared/protocol/manifest.ts';
import {
  encodeCoordinatorMessage,
  parseNodeMessage,
  PROTOCOL_VERSION,
  type CoordinatorMessage,
  type DeclineReason,
  type NodeMessage,
  type NodeMessageOf,
  type Offer,
} from '../../../shared/protocol/messages.ts';
import { voucherDomain, voucherTypes, type Address, type Hex, type Voucher } from '../../../shared/voucher.ts';

export const CHAIN_ID = 31337;

/** A message as a sender writes it: the envelope (v, id) is added on the way out. */
export type Unsent<M = CoordinatorMessage> = M extends unknown ? Omit<M, 'v' | 'id'> : never;

/** Hex of `bytes` random bytes from the seeded PRNG. */
export function randomHex(random: Random, bytes: number): Hex {
  let out = '0x';
  for (let i = 0; i < bytes; i++) out += random.int(0, 255).toString(16).padStart(2, '0');
  return out as Hex;
}

export function randomAccount(random: Random): LocalAccount {
  return privateKeyToAccount(randomHex(random, 32));
}

export class FuzzCoordinator {
  readonly payer: LocalAccount;
  readonly escrow: Address;
  readonly token: Address;
  readonly files = new Map<string, Uint8Array>();
  /** Every decline the node sent, by job id. */
  readonly declines = new Map<string, DeclineReason[]>();
  readonly accepts = new Map<string, number>();
  /** Refs of the node's acks (voucher acknowledgements). */
  readonly acks: string[] = [];
  readonly results: NodeMessageOf<'result'>[] = [];
  /** The id of every message the node sent, by connection. */
  readonly nodeIds = new Map<number, string[]>();
  /** Frames from the node its schema refuses: a node bug. */
  readonly invalid: string[] = [];
  readonly closes: { connection: number; code: number }[] = [];
  received = 0;
  connections = 0;
  /** The connection whose login was acknowledged and whose opening (capabilities, availability) arrived. */
  ready = 0;
  readonly #http: Server;
  readonly #wss: WebSocketServer;
  #socket: WebSocket | null = null;
  #waiters: (() => void)[] = [];
  port = 0;

  private constructor(random: Random) {
    this.payer = randomAccount(random);
    this.escrow = randomAccount(random).address;
    this.token = randomAccount(random).address;
    this.#http = createServer((request, response) => {
      const file = request.url === MANIFEST_PATH ? Buffer.from(JSON.stringify(this.manifest())) : this.files.get(request.url ?? '');
      if (!file) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-length': file.byteLength }).end(file);
    });
    this.#wss = new WebSocketServer({ server: this.#http, path: '/ws', perMessageDeflate: false });
    this.#wss.on('connection', (socket) => this.#onConnection(socket));
  }

  static async start(random: Random): Promise<FuzzCoordinator> {
    const coordinator = new FuzzCoordinator(random);
    await new Promise<void>((resolve) => coordinator.#http.listen(0, '127.0.0.1', () => resolve()));
    coordinator.port = (coordinator.#http.address() as AddressInfo).port;
    return coordinator;
  }

  get networkUrl(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  manifest() {
    return {
      protocolVersion: PROTOCOL_VERSION,
      chainId: CHAIN_ID,
      escrow: this.escrow,
      token: { address: this.token, symbol: 'tUSD', decimals: 6 },
      payer: this.payer.address,
      coordinator: `ws://127.0.0.1:${this.port}/ws`,
    };
  }

  #onConnection(socket: WebSocket): void {
    const connection = ++this.connections;
    this.#socket?.terminate();
    this.#socket = socket;
    socket.on('message', (data: Buffer) => this.#onMessage(data, connection));
    socket.on('close', (code) => {
      this.closes.push({ connection, code });
      if (this.#socket === socket) this.#socket = null;
      this.#wake();
    });
    socket.on('error', () => socket.terminate());
    this.send({
      type: 'hello',
      // Not from the PRNG: when the client dials is up to the clock, and the frames must not depend on it.
      nonce: randomBytes(16).toString('hex'),
      serverTime: Date.now(),
      heartbeatMs: 60_000,
      network: { chainId: CHAIN_ID, escrow: this.escrow, token: this.token, payer: this.payer.address },
    });
  }

  #onMessage(data: Buffer, connection: number): void {
    this.received++;
    const parsed = parseNodeMessage(data.toString('utf8'));
    if (!parsed.ok) {
      this.invalid.push(`${parsed.reason}: ${parsed.issues.join('; ')}`);
      return;
    }
    const message: NodeMessage = parsed.message;
    const ids = this.nodeIds.get(connection) ?? [];
    ids.push(message.id);
    this.nodeIds.set(connection, ids);
    switch (message.type) {
      case 'login':
        this.send({ type: 'ack', ref: message.id });
        break;
      case 'availability':
        this.ready = connection;
        break;
      case 'decline':
        this.declines.set(message.jobId, [...(this.declines.get(message.jobId) ?? []), message.reason]);
        break;
      case 'accept':
        this.accepts.set(message.jobId, (this.accepts.get(message.jobId) ?? 0) + 1);
        break;
      case 'ack':
        this.acks.push(message.ref);
        break;
      case 'result':
        this.results.push(message);
        break;
      default:
        break;
    }
    this.#wake();
  }

  #wake(): void {
    for (const wake of this.#waiters.splice(0)) wake();
  }

  /** Resolves once `predicate` holds, checked at every frame and close from the node. */
  async until(predicate: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 200));
        this.#waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** A message, encoded by the protocol's own schema; returns its id. */
  send(message: Unsent): string {
    const id = globalThis.crypto.randomUUID();
    this.sendRaw(encodeCoordinatorMessage({ ...message, v: PROTOCOL_VERSION, id }));
    return id;
  }

  /** Any bytes as one frame: text unless `binary` (text frames of invalid UTF-8 included). */
  sendRaw(frame: string | Buffer, binary = false): void {
    if (!this.#socket) throw new Error('no node is connected');
    this.#socket.send(frame, { binary });
  }

  /** Resolves once everything sent so far has left this process. */
  async flushed(): Promise<void> {
    while (this.#socket && this.#socket.bufferedAmount > 0) await new Promise((resolve) => setTimeout(resolve, 5));
  }

  /** An offer signed by `signer` (default the payer) for `chainId`, with the fields given. */
  async signOffer(fields: Omit<Offer, 'signature'>, signer: LocalAccount = this.payer, chainId = CHAIN_ID): Promise<Offer> {
    return { ...fields, signature: await signer.signTypedData(offerTypedData(chainId, fields)) };
  }

  /** A voucher signed by `signer` over the domain and fields given (each defaulting to this network's). */
  async signVoucher(
    fields: { provider: Address; cumulativeAmount: bigint; payer?: Address; chainId?: number; escrow?: Address },
    signer: LocalAccount = this.payer,
  ): Promise<Voucher> {
    const chainId = fields.chainId ?? CHAIN_ID;
    const escrow = fields.escrow ?? this.escrow;
    const payer = fields.payer ?? this.payer.address;
    const signature = await signer.signTypedData({
      domain: voucherDomain(chainId, escrow),
      types: voucherTypes,
      primaryType: 'Voucher',
      message: { payer, provider: fields.provider, cumulativeAmount: fields.cumulativeAmount },
    });
    return { chainId, escrow, payer, provider: fields.provider, cumulativeAmount: fields.cumulativeAmount, signature };
  }

  async close(): Promise<void> {
    for (const client of this.#wss.clients) client.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }
}
