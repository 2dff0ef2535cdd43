/**
 * The coordinator's HTTP side: the network manifest, the model registry, a
 * health check and Prometheus metrics. Read-only documents, GET and HEAD only;
 * every other path is 404, every other method 405, and /ws without an upgrade 426.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { MANIFEST_PATH, manifestSchema, type NetworkManifest } from '../../../shared/protocol/manifest.ts';
import { PROTOCOL_VERSION } from '../../../shared/protocol/version.ts';
import type { CoordinatorContext } from './context.ts';
import { MODELS_PATH, type ModelRegistry } from './registry.ts';

export const WS_PATH = '/ws';
export const HEALTH_PATH = '/healthz';
export const METRICS_PATH = '/metrics';

/** The manifest plus the optional `rpcUrl` hint (where nodes reach the chain to claim). */
export type ServedManifest = NetworkManifest & { rpcUrl?: string };

/** The manifest this coordinator serves, checked against the schema nodes parse it with (a misconfiguration fails at start, not at every node). */
export function buildManifest(ctx: CoordinatorContext, rpcUrl: string | undefined): ServedManifest {
  const manifest = manifestSchema.parse({
    protocolVersion: PROTOCOL_VERSION,
    chainId: ctx.network.chainId,
    escrow: ctx.network.escrow,
    token: ctx.network.token,
    payer: ctx.payer.address,
    coordinator: ctx.wsUrl,
  });
  if (rpcUrl === undefined) return manifest;
  if (!URL.canParse(rpcUrl) || !['http:', 'https:'].includes(new URL(rpcUrl).protocol)) throw new Error(`rpcUrl must be an http(s) URL, not ${rpcUrl}`);
  return { ...manifest, rpcUrl };
}

export interface HttpRoutes {
  manifest: ServedManifest;
  registry: ModelRegistry;
  metrics: () => string;
}

function send(response: ServerResponse, request: IncomingMessage, status: number, type: string, body: string, headers: Record<string, string> = {}): void {
  response.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), ...headers });
  response.end(request.method === 'HEAD' ? undefined : body);
}

export function handleHttp(routes: HttpRoutes, request: IncomingMessage, response: ServerResponse): void {
  // The path only: never parse the target as a URL (a "//host/…" target would name another host).
  const path = (request.url ?? '/').split('?')[0] ?? '/';
  const known = path === MANIFEST_PATH || path === HEALTH_PATH || path === METRICS_PATH || path === WS_PATH || path.startsWith(MODELS_PATH);
  if (!known) return send(response, request, 404, 'text/plain; charset=utf-8', 'not found\n');
  if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, request, 405, 'text/plain; charset=utf-8', 'only GET and HEAD\n', { allow: 'GET, HEAD' });
  if (path === MANIFEST_PATH) {
    // Nodes fetch it from anywhere (it is public) and must see a change of payer soon: no caching.
    return send(response, request, 200, 'application/json', JSON.stringify(routes.manifest), { 'cache-control': 'no-cache', 'access-control-allow-origin': '*' });
  }
  if (path === HEALTH_PATH) return send(response, request, 200, 'text/plain; charset=utf-8', 'ok\n');
  if (path === METRICS_PATH) return send(response, request, 200, 'text/plain; version=0.0.4; charset=utf-8', routes.metrics());
  if (path === WS_PATH) return send(response, request, 426, 'text/plain; charset=utf-8', 'this is the node WebSocket: connect with an upgrade\n', { upgrade: 'websocket' });
  routes.registry.serve(path, request, response);
}
