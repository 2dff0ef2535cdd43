import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { ApiError, encodeEvent, eventNames, type ApiErrorCode, type Reply } from '../../shared/api.ts';
import { EVENTS_PATH, EVENTS_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../shared/headless.ts';
import { createDispatch, nodeHandlers } from '../node/api.ts';
import type { Logger } from '../node/log.ts';
import type { ProviderNode } from '../node/provider-node.ts';
import { createMetrics } from './metrics.ts';
import { readStaticFile, RENDERER_CSP } from './static-files.ts';
import { tokenMatches } from './token.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface HeadlessServerOptions {
  node: ProviderNode;
  token: string;
  host: string;
  port: number;
  rendererDir: string;
  logger: Logger;
}

export interface HeadlessServer {
  readonly port: number;
  readonly host: string;
  /** The address to open, without the token. */
  readonly origin: string;
  close(): Promise<void>;
}

const STATUS_BY_CODE: Record<ApiErrorCode, number> = {
  invalid_input: 400,
  unauthorized: 401,
  unknown_method: 404,
  unavailable: 503,
  internal: 500,
  // A well-formed request the node turned down (wrong passphrase, balance too low): the request itself was fine.
  refused: 422,
};

const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * Headless mode's server: the contract over HTTP (`POST /api/<method>`) and
 * WebSocket (events), the built renderer, `/healthz` and `/metrics`.
 */
export async function startHeadlessServer(options: HeadlessServerOptions): Promise<HeadlessServer> {
  const { node, token, logger } = options;
  const dispatch = createDispatch(nodeHandlers(node), logger);
  const metrics = createMetrics(node);
  const sockets = new WebSocketServer({
    noServer: true,
    maxPayload: 64 * 1024,
    handleProtocols: (protocols) => (protocols.has(EVENTS_PROTOCOL) ? EVENTS_PROTOCOL : false),
  });
  let allowedHosts: Set<string> | undefined;

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      logger.error('request failed', { error });
      if (!res.headersSent) sendJson(res, 500, { ok: false, error: { code: 'internal', message: 'internal error' } });
      else res.destroy();
    });
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) res.setHeader(name, value);
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;

    if (path === '/healthz') {
      return sendJson(res, 200, { status: 'ok', state: node.status().state, version: node.status().version });
    }
    if (!hostAllowed(req)) {
      return sendJson(res, 403, failure('unauthorized', 'unexpected Host header (DNS rebinding protection)'));
    }
    if (path === '/metrics') {
      if (!metricsAllowed(req.socket.remoteAddress, bearer(req), token)) {
        res.setHeader('www-authenticate', 'Bearer');
        return sendJson(res, 401, failure('unauthorized', 'a token is required for /metrics from another host'));
      }
      res.writeHead(200, { 'content-type': metrics.contentType, 'cache-control': 'no-store' });
      res.end(await metrics.metrics());
      return;
    }
    if (path.startsWith('/api/')) return handleApi(req, res, path.slice('/api/'.length));
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const file = await readStaticFile(options.rendererDir, path);
    if (!file) {
      const html = path === '/' || path === '/index.html';
      res.writeHead(html ? 503 : 404, { 'content-type': 'text/plain; charset=utf-8' });
      res.end(html ? 'The Hearth UI is not built. Run `npm run build`; the API is available meanwhile.\n' : 'not found\n');
      return;
    }
    const headers: Record<string, string> = {
      'content-type': file.contentType,
      'cache-control': file.immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    };
    if (file.contentType.startsWith('text/html')) headers['content-security-policy'] = RENDERER_CSP;
    res.writeHead(200, headers);
    res.end(req.method === 'HEAD' ? undefined : file.body);
  }

  async function handleApi(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    res.setHeader('cache-control', 'no-store');
    if (!tokenMatches(token, bearer(req))) {
      res.setHeader('www-authenticate', 'Bearer');
      return sendJson(res, 401, failure('unauthorized', 'missing or wrong API token'));
    }
    if (req.method !== 'POST') {
      res.setHeader('allow', 'POST');
      return sendJson(res, 405, failure('invalid_input', 'API methods are called with POST'));
    }
    const body = await readBody(req, MAX_BODY_BYTES);
    if (body === 'too-large') {
      res.setHeader('connection', 'close');
      return sendJson(res, 413, failure('invalid_input', `request body exceeds ${MAX_BODY_BYTES} bytes`));
    }
    let input: unknown;
    if (body.length > 0) {
      const type = req.headers['content-type'] ?? '';
      if (!/^application\/json(\s*;|$)/i.test(type)) {
        return sendJson(res, 415, failure('invalid_input', 'the request body must be application/json'));
      }
      try {
        input = JSON.parse(body.toString('utf8'));
      } catch {
        return sendJson(res, 400, failure('invalid_input', 'the request body is not valid JSON'));
      }
    }
    const reply: Reply = await dispatch(method, input);
    sendJson(res, reply.ok ? 200 : STATUS_BY_CODE[reply.error.code], reply);
  }

  function hostAllowed(req: IncomingMessage): boolean {
    return allowedHosts === undefined || allowedHosts.has((req.headers.host ?? '').toLowerCase());
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const refuse = (): void => {
      socket.end('HTTP/1.1 401 Unauthorized\r\nconnection: close\r\ncontent-length: 0\r\n\r\n');
    };
    // Everything here comes from an unauthenticated peer: parse defensively, refuse on any doubt.
    try {
      const path = (req.url ?? '').split('?')[0];
      const offered = (req.headers['sec-websocket-protocol'] ?? '').split(',').map((p) => p.trim());
      const presented = offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))?.slice(TOKEN_PROTOCOL_PREFIX.length);
      if (path !== EVENTS_PATH || !hostAllowed(req) || !sameOrigin(req) || !tokenMatches(token, presented)) return refuse();
      sockets.handleUpgrade(req, socket, head, (ws) => sockets.emit('connection', ws, req));
    } catch (error) {
      logger.debug('refused a malformed upgrade request', { error });
      refuse();
    }
  });

  const alive = new WeakSet<WebSocket>();
  sockets.on('connection', (ws) => {
    alive.add(ws);
    ws.on('pong', () => alive.add(ws));
    ws.on('message', () => ws.close(1008, 'this socket only pushes events'));
    ws.on('error', (error) => logger.debug('websocket error', { error }));
  });
  const heartbeat = setInterval(() => {
    for (const ws of sockets.clients) {
      if (!alive.has(ws)) {
        ws.terminate();
        continue;
      }
      alive.delete(ws);
      ws.ping();
    }
  }, 30_000);
  heartbeat.unref();

  const unsubscribe = eventNames.map((event) =>
    node.on(event, (payload) => {
      const frame = JSON.stringify({ event, payload: encodeEvent(event, payload) });
      for (const ws of sockets.clients) if (ws.readyState === ws.OPEN) ws.send(frame);
    }),
  );

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException): void => {
      reject(
        error.code === 'EADDRINUSE'
          ? new Error(`Port ${options.port} on ${options.host} is already in use. Pass another with --port N (or --port 0 for any free port).`)
          : error.code === 'EADDRNOTAVAIL'
            ? new Error(`Cannot listen on ${options.host}: no such address on this machine.`)
            : error,
      );
    };
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (error) => logger.error('server error', { error }));

  const port = (server.address() as AddressInfo).port;
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  if (isLoopback(options.host)) {
    allowedHosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${hostForUrl}:${port}`.toLowerCase()]);
  }

  let closing: Promise<void> | undefined;
  return {
    port,
    host: options.host,
    origin: `http://${hostForUrl}:${port}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        clearInterval(heartbeat);
        for (const off of unsubscribe) off();
        for (const ws of sockets.clients) ws.close(1001, 'Hearth is shutting down');
        sockets.close();
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 500).unref();
      });
      return closing;
    },
  };
}

/** A browser sends Origin on every WebSocket; it must be this server. No Origin: a non-browser client with the token. */
function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true;
  if (!URL.canParse(origin)) return false; // includes "null" (sandboxed frames, file: pages)
  return new URL(origin).host.toLowerCase() === (req.headers.host ?? '').toLowerCase();
}

function failure(code: ApiErrorCode, message: string): Reply {
  return { ok: false, error: new ApiError(code, message).toShape() };
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function bearer(req: IncomingMessage): string | undefined {
  const match = /^bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  return match?.[1];
}

/** Prometheus on the same machine scrapes without a token; anyone else needs it. */
export function metricsAllowed(remoteAddress: string | undefined, presented: string | undefined, token: string): boolean {
  return isLoopback(remoteAddress) || tokenMatches(token, presented);
}

export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const plain = address.startsWith('::ffff:') ? address.slice('::ffff:'.length) : address;
  return plain === '::1' || plain === 'localhost' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(plain);
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer | 'too-large'> {
  if (Number(req.headers['content-length'] ?? 0) > limit) return Promise.resolve('too-large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        // Stop reading; the 413 goes out with `connection: close`, which ends the socket.
        req.off('data', onData);
        req.pause();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
