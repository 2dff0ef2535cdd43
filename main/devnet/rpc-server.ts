import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Eip1193Provider } from './chain.ts';

/**
 * JSON-RPC 2.0 over HTTP in front of an EIP-1193 provider, so other processes
 * (a crash test's child, the network's coordinator) can use the embedded chain
 * with viem's http() transport. Loopback only: it serves a development chain
 * whose test accounts anyone who reaches it could use.
 */

export interface JsonRpcServerOptions {
  /** A loopback address; anything else is refused. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
}

export interface RunningJsonRpcServer {
  url: string;
  close(): Promise<void>;
}

export const MAX_BODY_BYTES = 1024 * 1024;
export const MAX_BATCH = 100;

const LOOPBACK_ADDRESSES = new Set(['127.0.0.1', '::1', 'localhost']);
/** Host headers we answer: a browser page on another name (DNS rebinding) sends its own name here. */
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/i;

type Id = string | number | null;
interface JsonRpcError {
  code: number;
  message: string;
  data?: unknown;
}
type Response = { jsonrpc: '2.0'; id: Id; result: unknown } | { jsonrpc: '2.0'; id: Id; error: JsonRpcError };

const PARSE_ERROR = -32700;
const INVALID_REQUEST = -32600;
const INTERNAL_ERROR = -32603;

function errorResponse(id: Id, code: number, message: string, data?: unknown): Response {
  return { jsonrpc: '2.0', id, error: data === undefined ? { code, message } : { code, message, data } };
}

/** Keeps what a client needs from a provider error (code, message, revert data), nothing of its stack. */
function toJsonRpcError(error: unknown): JsonRpcError {
  if (typeof error !== 'object' || error === null) return { code: INTERNAL_ERROR, message: String(error) };
  const { code, message, data } = error as { code?: unknown; message?: unknown; data?: unknown };
  const result: JsonRpcError = {
    code: typeof code === 'number' && Number.isInteger(code) ? code : INTERNAL_ERROR,
    message: typeof message === 'string' ? message : 'internal error',
  };
  if (data !== undefined && isJsonSafe(data)) result.data = data;
  return result;
}

function isJsonSafe(value: unknown): boolean {
  try {
    return JSON.stringify(value) !== undefined;
  } catch {
    return false;
  }
}

function isId(value: unknown): value is Id {
  return value === null || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

/** Answers one request object; undefined for a notification (no id), which gets no response. */
async function handleCall(provider: Eip1193Provider, call: unknown): Promise<Response | undefined> {
  if (typeof call !== 'object' || call === null || Array.isArray(call)) return errorResponse(null, INVALID_REQUEST, 'invalid request');
  const { jsonrpc, id, method, params } = call as Record<string, unknown>;
  const isNotification = !('id' in call);
  if (!isNotification && !isId(id)) return errorResponse(null, INVALID_REQUEST, 'invalid request id');
  const replyId = isNotification ? null : (id as Id);
  if (jsonrpc !== '2.0' || typeof method !== 'string' || (params !== undefined && (typeof params !== 'object' || params === null))) {
    return errorResponse(replyId, INVALID_REQUEST, 'invalid request');
  }
  let response: Response;
  try {
    const result = await provider.request(params === undefined ? { method } : { method, params });
    response = { jsonrpc: '2.0', id: replyId, result: result ?? null };
  } catch (error) {
    response = { jsonrpc: '2.0', id: replyId, error: toJsonRpcError(error) };
  }
  return isNotification ? undefined : response;
}

async function handleBody(provider: Eip1193Provider, body: string): Promise<Response | Response[] | undefined> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return errorResponse(null, PARSE_ERROR, 'parse error');
  }
  if (!Array.isArray(parsed)) return handleCall(provider, parsed);
  if (parsed.length === 0) return errorResponse(null, INVALID_REQUEST, 'empty batch');
  if (parsed.length > MAX_BATCH) return errorResponse(null, INVALID_REQUEST, `batch larger than ${MAX_BATCH}`);
  // In order, one after another: a batch may send transactions whose nonces follow each other.
  const responses: Response[] = [];
  for (const call of parsed) {
    const response = await handleCall(provider, call);
    if (response) responses.push(response);
  }
  return responses.length > 0 ? responses : undefined;
}

class HttpError extends Error {
  status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function readBody(request: IncomingMessage): Promise<string> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > MAX_BODY_BYTES) throw new HttpError(413, 'request body too large');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, 'request body too large');
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function sendText(response: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  // Connection: close after refusing, so an unread body cannot linger on a kept-alive socket.
  response.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', connection: 'close', ...headers });
  response.end(`${text}\n`);
}

async function handleHttp(provider: Eip1193Provider, request: IncomingMessage, response: ServerResponse): Promise<void> {
  if (!LOOPBACK_HOST.test(request.headers.host ?? '')) return sendText(response, 403, 'forbidden host');
  if (request.method !== 'POST') return sendText(response, 405, 'only POST', { allow: 'POST' });
  // application/json also keeps browser pages out: cross-origin, it needs a CORS preflight, which is never granted.
  const contentType = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (contentType !== 'application/json') return sendText(response, 415, 'content-type must be application/json');
  let body: string;
  try {
    body = await readBody(request);
  } catch (error) {
    if (error instanceof HttpError) return sendText(response, error.status, error.message);
    throw error;
  }
  const reply = await handleBody(provider, body);
  if (reply === undefined) {
    response.writeHead(204).end();
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify(reply));
}

export async function serveJsonRpc(provider: Eip1193Provider, options: JsonRpcServerOptions = {}): Promise<RunningJsonRpcServer> {
  const { host = '127.0.0.1', port = 0 } = options;
  if (!LOOPBACK_ADDRESSES.has(host)) throw new Error(`the JSON-RPC server listens on loopback only, not ${host}`);
  const server = createServer((request, response) => {
    handleHttp(provider, request, response).catch((error: unknown) => {
      if (!response.headersSent) sendText(response, 500, 'internal error');
      else response.destroy(error instanceof Error ? error : undefined);
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${urlHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
