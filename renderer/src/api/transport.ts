import type { Reply } from '../../../shared/api.ts';

export type ConnectionState = 'connecting' | 'open' | 'reconnecting' | 'unauthorized';

/**
 * How the renderer reaches the node: Electron IPC through the preload bridge,
 * or HTTP + WebSocket in headless mode. Both carry the contract's wire form.
 */
export interface Transport {
  readonly kind: 'ipc' | 'http';
  invoke(method: string, input: unknown): Promise<Reply>;
  /** Raw event payloads by event name; returns unsubscribe. */
  subscribe(listener: (event: string, payload: unknown) => void): () => void;
  /** Connection changes; `open` after a reconnect means events may have been missed. */
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

/** What preload exposes as `window.hearth` in the desktop app. */
export interface HearthBridge {
  invoke(method: string, input?: unknown): Promise<Reply>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    hearth?: HearthBridge;
  }
}
