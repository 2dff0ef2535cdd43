import { replySchema, type Reply } from '../../../shared/api.ts';
import { EVENTS_PATH, EVENTS_PROTOCOL, TOKEN_PATTERN, TOKEN_PROTOCOL_PREFIX } from '../../../shared/headless.ts';
import type { ConnectionState, Transport } from './transport.ts';

const MAX_BACKOFF_MS = 10_000;

/**
 * Headless mode: `POST /api/<method>` with the token as a bearer, and events
 * over one WebSocket that reconnects with backoff.
 */
export function httpTransport(token: string, origin = window.location.origin): Transport {
  const eventListeners = new Set<(event: string, payload: unknown) => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  let socket: WebSocket | undefined;
  let attempts = 0;

  const setState = (next: ConnectionState): void => {
    state = next;
    for (const listener of connectionListeners) listener(next);
  };

  const invoke = async (method: string, input: unknown): Promise<Reply> => {
    let response: Response;
    try {
      response = await fetch(`${origin}/api/${encodeURIComponent(method)}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: input === undefined ? '' : JSON.stringify(input),
        cache: 'no-store',
      });
    } catch {
      return { ok: false, error: { code: 'unavailable', message: 'Hearth is not reachable. Is headless mode still running?' } };
    }
    if (response.status === 401) setState('unauthorized');
    const parsed = replySchema.safeParse(await response.json().catch(() => undefined));
    if (parsed.success) return parsed.data;
    return { ok: false, error: { code: 'internal', message: `unexpected reply (HTTP ${response.status})` } };
  };

  const connect = (): void => {
    if (state === 'unauthorized') return;
    const url = `${origin.replace(/^http/, 'ws')}${EVENTS_PATH}`;
    const ws = new WebSocket(url, [EVENTS_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`]);
    let opened = false;
    socket = ws;
    ws.onopen = () => {
      opened = true;
      attempts = 0;
      setState('open');
    };
    ws.onmessage = (message: MessageEvent<unknown>) => {
      if (typeof message.data !== 'string') return;
      let frame: unknown;
      try {
        frame = JSON.parse(message.data);
      } catch {
        return;
      }
      if (typeof frame === 'object' && frame !== null && 'event' in frame && typeof frame.event === 'string') {
        const payload = 'payload' in frame ? frame.payload : undefined;
        for (const listener of eventListeners) listener(frame.event, payload);
      }
    };
    ws.onclose = () => {
      if (socket !== ws || state === 'unauthorized') return;
      // A refused handshake looks like any other failure to a browser: ask over HTTP whether the token is the problem.
      if (!opened) void invoke('node.status', undefined);
      setState('reconnecting');
      const delay = Math.min(MAX_BACKOFF_MS, 500 * 2 ** attempts++) * (0.75 + Math.random() * 0.5);
      window.setTimeout(connect, delay);
    };
  };
  connect();

  return {
    kind: 'http',
    invoke,
    subscribe(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(state);
      return () => connectionListeners.delete(listener);
    },
  };
}

const TOKEN_KEY = 'hearth.token';

/**
 * The token arrives in the URL fragment (never sent to a server), is kept for
 * this tab's session so a reload works, and is removed from the address bar.
 */
export function takeTokenFromLocation(): string | undefined {
  const match = /(?:^#|&)token=([A-Za-z0-9_-]+)/.exec(window.location.hash);
  if (match?.[1]) {
    sessionStorage.setItem(TOKEN_KEY, match[1]);
    history.replaceState(history.state, '', window.location.pathname + window.location.search);
    return match[1];
  }
  return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
}

/** A token the user pasted (headless mode prints the link with it only at first start). */
export function rememberToken(token: string): boolean {
  const clean = token.trim().replace(/^.*#token=/, '');
  if (!TOKEN_PATTERN.test(clean)) return false;
  sessionStorage.setItem(TOKEN_KEY, clean);
  return true;
}

