// The preload keyhole, with `electron` replaced by a stand-in (no Electron binary here).
import { describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../../shared/ipc.ts';

const exposed = new Map<string, unknown>();
const invoke = vi.fn(() => Promise.resolve({ ok: true, value: 'from main' }));
let deliver: ((event: unknown, name: unknown, payload: unknown) => void) | undefined;
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    invoke,
    on: (channel: string, fn: (event: unknown, name: unknown, payload: unknown) => void) => {
      if (channel === EVENT_CHANNEL) deliver = fn;
    },
  },
}));
await import('../../preload/index.ts');

interface Bridge {
  invoke(method: string, input?: unknown): Promise<unknown>;
  on(event: string, fn: (payload: unknown) => void): () => void;
}
const bridge = exposed.get('hearth') as Bridge;

describe('the preload keyhole', () => {
  it('exposes exactly invoke and on, and nothing of Electron', () => {
    expect([...exposed.keys()]).toEqual(['hearth']);
    expect(Object.keys(bridge).sort()).toEqual(['invoke', 'on']);
  });

  it('forwards contract methods to the one invoke channel', async () => {
    await expect(bridge.invoke('node.pause', { durationMs: 60_000 })).resolves.toEqual({ ok: true, value: 'from main' });
    expect(invoke).toHaveBeenCalledWith(INVOKE_CHANNEL, 'node.pause', { durationMs: 60_000 });
  });

  it.each(['ipc:anything', 'constructor', '__proto__', ''])('refuses %j without reaching main', async (name) => {
    invoke.mockClear();
    await expect(bridge.invoke(name)).resolves.toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    expect(invoke).not.toHaveBeenCalled();
  });

  it('delivers contract events to their listeners only, until unsubscribed', () => {
    const seen = vi.fn();
    const off = bridge.on('node.statusChanged', seen);
    deliver?.({}, 'node.statusChanged', { state: 'paused' });
    deliver?.({}, 'settings.changed', { theme: 'dark' });
    expect(seen).toHaveBeenCalledExactlyOnceWith({ state: 'paused' });
    off();
    deliver?.({}, 'node.statusChanged', { state: 'running' });
    expect(seen).toHaveBeenCalledOnce();
  });

  it('refuses to subscribe to anything outside the contract', () => {
    expect(() => bridge.on('ipc:secret', () => {})).toThrow(/unknown event/);
  });
});
