/**
 * A transparent relay between a node and its coordinator — HTTP (manifest,
 * models) and the WebSocket — that keeps a transcript: every frame each side
 * sent, parsed, and who closed each connection with which code. The protocol
 * tests put it between the real client and the real coordinator (the
 * coordinator's publicUrl names it), so they can check the conversation the
 * two programs had without either of them knowing.
 */
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { parseCoordinatorMessage, parseNodeMessage, type CoordinatorMessage, type NodeMessage } from '../../../shared/protocol/messages.ts';

export type Side = 'node' | 'coordinator';

export type Tapped =
  | { seq: number; connection: number; from: 'node'; message: NodeMessage | null }
  | { seq: number; connection: number; from: 'coordinator'; message: CoordinatorMessage | null };

export interface TappedClose {
  connection: number;
  /** Who closed first. */
  by: Side;
  code: number;
  reason: string;
}

/** Close codes a peer may not send (ws throws): the relay cuts the other side off instead. */
const UNSENDABLE = new Set([1005, 1006]);

export class WireTap {
  readonly frames: Tapped[] = [];
  readonly closes: TappedClose[] = [];
  /** HTTP requests the coordinator could not be reached for (answered 502). */
  upstreamFailures = 0;
  connections = 0;
  /** host:port of the coordinator; requests while it is down get 502. */
  target = '';
  readonly #http: Server;
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 * 1024, perMessageDeflate: false });
  readonly #sockets = new Set<WebSocket>();
  #seq = 0;
  port = 0;

  private constructor() {
    this.#http = createServer((request, response) => {
      const upstream = httpRequest({ host: '127.0.0.1', port: this.#targetPort(), path: request.url, method: request.method, headers: request.headers }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(response);
      });
      upstream.on('error', () => {
        this.upstreamFailures++;
        if (!response.headersSent) response.writeHead(502);
        response.end();
      });
      request.pipe(upstream);
    });
    this.#http.on('upgrade', (request, socket, head) => {
      socket.on('error', () => socket.destroy());
      this.#wss.handleUpgrade(request, socket, head, (node) => this.#relay(node, request.url ?? '/'));
    });
  }

  static async start(): Promise<WireTap> {
    const tap = new WireTap();
    await new Promise<void>((resolve) => tap.#http.listen(0, '127.0.0.1', () => resolve()));
    tap.port = (tap.#http.address() as AddressInfo).port;
    return tap;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Frames of one side (and connection), parsed. */
  from<S extends Side>(side: S, connection?: number): Extract<Tapped, { from: S }>[] {
    return this.frames.filter((f): f is Extract<Tapped, { from: S }> => f.from === side && (connection === undefined || f.connection === connection));
  }

  /** The node's messages of one type, in order. */
  sent<T extends NodeMessage['type']>(type: T, connection?: number): (Extract<NodeMessage, { type: T }> & { seq: number; connection: number })[] {
    return this.from('node', connection).flatMap((f) => (f.message?.type === type ? [{ ...(f.message as Extract<NodeMessage, { type: T }>), seq: f.seq, connection: f.connection }] : []));
  }

  /** The coordinator's messages of one type, in order. */
  received<T extends CoordinatorMessage['type']>(type: T, connection?: number): (Extract<CoordinatorMessage, { type: T }> & { seq: number; connection: number })[] {
    return this.from('coordinator', connection).flatMap((f) =>
      f.message?.type === type ? [{ ...(f.message as Extract<CoordinatorMessage, { type: T }>), seq: f.seq, connection: f.connection }] : [],
    );
  }

  /** Frames either side sent that its peer's schema refuses: a bug in one of the programs. */
  invalid(): Tapped[] {
    return this.frames.filter((f) => f.message === null);
  }

  #targetPort(): number {
    return Number(this.target.split(':')[1] ?? 0);
  }

  #relay(node: WebSocket, path: string): void {
    const connection = ++this.connections;
    const coordinator = new WebSocket(`ws://${this.target}${path}`, { perMessageDeflate: false, maxPayload: 64 * 1024 * 1024 });
    this.#sockets.add(node).add(coordinator);
    const early: { data: WebSocket.RawData; binary: boolean }[] = [];
    let closed = false;
    const end = (by: Side, code: number, reason: string) => {
      this.#sockets.delete(node);
      this.#sockets.delete(coordinator);
      if (closed) return;
      closed = true;
      this.closes.push({ connection, by, code, reason });
      const other = by === 'node' ? coordinator : node;
      if (UNSENDABLE.has(code) || other.readyState !== WebSocket.OPEN) other.terminate();
      else other.close(code, reason);
    };
    node.on('message', (data, binary) => {
      this.#record('node', connection, data);
      if (coordinator.readyState === WebSocket.OPEN) coordinator.send(data, { binary });
      else early.push({ data, binary });
    });
    coordinator.on('open', () => {
      for (const frame of early.splice(0)) coordinator.send(frame.data, { binary: frame.binary });
    });
    coordinator.on('message', (data, binary) => {
      this.#record('coordinator', connection, data);
      if (node.readyState === WebSocket.OPEN) node.send(data, { binary });
    });
    node.on('close', (code, reason) => end('node', code, reason.toString()));
    coordinator.on('close', (code, reason) => end('coordinator', code, reason.toString()));
    node.on('error', () => node.terminate());
    coordinator.on('error', () => {
      this.upstreamFailures++;
      coordinator.terminate();
    });
  }

  #record(from: Side, connection: number, data: WebSocket.RawData): void {
    const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    const seq = ++this.#seq;
    if (from === 'node') {
      const parsed = parseNodeMessage(bytes);
      this.frames.push({ seq, connection, from, message: parsed.ok ? parsed.message : null });
    } else {
      const parsed = parseCoordinatorMessage(bytes);
      this.frames.push({ seq, connection, from, message: parsed.ok ? parsed.message : null });
    }
  }

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.terminate();
    await new Promise<void>((resolve) => this.#wss.close(() => resolve()));
    this.#http.closeAllConnections();
    await new Promise<void>((resolve) => this.#http.close(() => resolve()));
  }
}
