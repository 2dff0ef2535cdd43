/**
 * The keyhole between the sandboxed renderer and main: `invoke` for contract
 * methods and `on` for contract events, by name, nothing else. Main checks
 * the sender and validates every input again; this only refuses names outside
 * the contract early and never exposes ipcRenderer itself.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { isEventName, isMethodName, type Reply } from '../shared/api.ts';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../shared/ipc.ts';

type EventListener = (payload: unknown) => void;
const listeners = new Map<string, Set<EventListener>>();

ipcRenderer.on(EVENT_CHANNEL, (_event: IpcRendererEvent, name: unknown, payload: unknown) => {
  if (typeof name !== 'string') return;
  for (const listener of listeners.get(name) ?? []) listener(payload);
});

const bridge = {
  invoke(method: string, input?: unknown): Promise<Reply> {
    if (!isMethodName(method)) {
      return Promise.resolve({ ok: false, error: { code: 'unknown_method', message: `unknown method: ${String(method).slice(0, 100)}` } });
    }
    return ipcRenderer.invoke(INVOKE_CHANNEL, method, input) as Promise<Reply>;
  },
  on(event: string, listener: EventListener): () => void {
    if (!isEventName(event)) throw new TypeError(`unknown event: ${String(event).slice(0, 100)}`);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  },
};

contextBridge.exposeInMainWorld('hearth', bridge);
