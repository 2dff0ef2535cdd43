/**
 * One WebSocket to the coordinator, from dial to close: frames in and out,
 * heartbeats both ways, and the watchdog that closes a connection the other
 * side has gone quiet on (code 4000 after 3 × the heartbeat interval) so the
 * client can dial again. Sessions, logins and jobs are the client's business;
 * reconnecting is too (client.ts, with backoff.ts).
 */
import WebSocket from 'ws';
import { MAX_FRAME_BYTES } from '../../shared/protocol/messages.ts';
import { errorMessage } from '../../shared/errors.ts';

export const HEARTBEAT_TIMEOUT_CLOSE = 4000;
/** How many heartbeat intervals of silence end a connection. */
export const SILENT_INTERVALS = 3;
const CLOSE_GRACE_MS = 2000;

export interface CloseInfo {
  code: number;
  reason: string;
  /** What went wrong on the socket, if anything (a dropped TCP connection, a frame over the limit). */
  error: string | null;
  /** The coordinator sent a frame larger than MAX_FRAME_BYTES (ws closed with 1009). */
  frameTooLarge: boolean;
  /** The coordinator sent a text frame that is not UTF-8 (ws closed with 1007). */
  invalidUtf8: boolean;
}

export interface SocketHandlers {
  onMessage(data: string | Uint8Array): void;
  onClose(info: CloseInfo): void;
}

export class CoordinatorSocket {
  readonly #ws: WebSocket;
  #handlers: SocketHandlers | null = null;
  /** What arrived before `listen()`: ws may emit `hello` in the same tick as `open`, before the caller has its socket. */
  #early: (() => void)[] = [];
  #lastHeardAt = performance.now();
  #timer: NodeJS.Timeout | undefined;
  #error: string | null = null;
  #frameTooLarge = false;
  #invalidUtf8 = false;
  readonly #closed: Promise<void>;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    this.#closed = new Promise((resolve) => ws.once('close', () => resolve()));
    ws.on('message', (data, isBinary) => {
      this.#lastHeardAt = performance.now();
      const frame = isBinary ? toBytes(data) : toBytes(data).toString('utf8');
      this.#deliver((handlers) => handlers.onMessage(frame));
    });
    ws.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.#frameTooLarge = true;
      if (error.code === 'WS_ERR_INVALID_UTF8') this.#invalidUtf8 = true;
      this.#error ??= errorMessage(error);
    });
    ws.on('close', (code, reason) => {
      this.#stopTimer();
      const info = { code, reason: reason.toString('utf8'), error: this.#error, frameTooLarge: this.#frameTooLarge, invalidUtf8: this.#invalidUtf8 };
      this.#deliver((handlers) => handlers.onClose(info));
    });
  }

  /** Dials `url`; resolves once the socket is open, rejects if it cannot open within `openTimeoutMs`. Call `listen()` next. */
  static open(url: string, options: { openTimeoutMs: number }): Promise<CoordinatorSocket> {
    return new Promise((resolve, reject) => {
      let ws: WebSocket;
      try {
        // No compression: it would cost CPU on every large result, and a compressed frame is a decompression bomb risk.
        ws = new WebSocket(url, { maxPayload: MAX_FRAME_BYTES, handshakeTimeout: options.openTimeoutMs, perMessageDeflate: false, followRedirects: false });
      } catch (error) {
        reject(new Error(`cannot dial ${url}: ${errorMessage(error)}`));
        return;
      }
      const fail = (error: Error) => {
        ws.removeAllListeners();
        ws.on('error', () => {});
        ws.terminate();
        reject(new Error(`cannot connect to ${url}: ${errorMessage(error)}`));
      };
      ws.once('error', fail);
      ws.once('unexpected-response', (_request, response) => fail(new Error(`HTTP ${response.statusCode}`)));
      ws.once('open', () => {
        ws.removeAllListeners();
        resolve(new CoordinatorSocket(ws));
      });
    });
  }

  /** Starts delivering frames and the close, beginning with any that arrived since the socket opened. */
  listen(handlers: SocketHandlers): void {
    this.#handlers = handlers;
    const early = this.#early;
    this.#early = [];
    for (const event of early) event();
  }

  #deliver(event: (handlers: SocketHandlers) => void): void {
    const handlers = this.#handlers;
    if (handlers) event(handlers);
    else this.#early.push(() => this.#deliver(event));
  }

  get isOpen(): boolean {
    return this.#ws.readyState === WebSocket.OPEN;
  }

  /** Bytes sent but not yet handed to the operating system: what the peer (or the network) has not taken yet. */
  get bufferedAmount(): number {
    return this.#ws.bufferedAmount;
  }

  /** Sends one frame; false when the socket is no longer open (the frame is dropped). */
  send(frame: string): boolean {
    if (!this.isOpen) return false;
    this.#ws.send(frame);
    return true;
  }

  /**
   * Every `intervalMs`: sends `heartbeat()` (when given) and closes the socket
   * if nothing arrived for SILENT_INTERVALS intervals. Called again, it
   * replaces the previous schedule (the wait for `hello` uses no heartbeat).
   */
  keepAlive(intervalMs: number, heartbeat: (() => string) | null): void {
    this.#stopTimer();
    this.#lastHeardAt = performance.now();
    this.#timer = setInterval(() => {
      if (performance.now() - this.#lastHeardAt > SILENT_INTERVALS * intervalMs) {
        void this.close(HEARTBEAT_TIMEOUT_CLOSE, 'heartbeat timeout');
        return;
      }
      if (heartbeat) this.send(heartbeat());
    }, intervalMs);
    this.#timer.unref();
  }

  /** Closes with `code`; a peer that does not finish the closing handshake in time is cut off. Resolves once closed. */
  close(code: number, reason: string): Promise<void> {
    this.#stopTimer();
    if (this.#ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    if (this.#ws.readyState !== WebSocket.CLOSING) this.#ws.close(code, closeReason(reason));
    const force = setTimeout(() => this.#ws.terminate(), CLOSE_GRACE_MS);
    force.unref();
    return this.#closed.finally(() => clearTimeout(force));
  }

  #stopTimer(): void {
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = undefined;
  }
}

/** How a connection ended, in words for the status. */
export function describeClose(info: CloseInfo): string {
  if (info.code === HEARTBEAT_TIMEOUT_CLOSE) return 'the coordinator went silent (no heartbeat)';
  if (info.frameTooLarge) return 'the coordinator sent a frame over the size limit';
  const reason = info.reason ? `: ${info.reason}` : '';
  return info.error ? `the connection failed (${info.error})` : `the coordinator closed the connection (${info.code}${reason})`;
}

/** A close reason fits in 123 bytes of UTF-8 (ws throws past that). */
function closeReason(reason: string): string {
  const bytes = Buffer.from(reason, 'utf8');
  return bytes.length <= 123 ? reason : bytes.subarray(0, 120).toString('utf8').replace(/\uFFFD$/, '');
}

function toBytes(data: WebSocket.RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
