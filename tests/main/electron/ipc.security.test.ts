// The one door into main. Electron cannot run here, so `electron` is replaced
// by a stand-in that captures what the binding registers; the dispatcher,
// node and store behind it are real.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { EVENT_CHANNEL, INVOKE_CHANNEL } from '../../../shared/ipc.ts';
import type { Reply } from '../../../shared/api.ts';

const handlers = new Map<string, (event: unknown, ...args: unknown[]) => Promise<Reply>>();
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, ...args: unknown[]) => Promise<Reply>) => handlers.set(channel, fn),
    removeHandler: (channel: string) => handlers.delete(channel),
  },
}));

const { bindContractToIpc } = await import('../../../main/electron/ipc.ts');
const { createDispatch, nodeHandlers } = await import('../../../main/node/api.ts');
const { silentLogger } = await import('../../../main/node/log.ts');
const { ProviderNode } = await import('../../../main/node/provider-node.ts');
const { tempDir } = await import('../../helpers/temp.ts');

function setup() {
  const node = ProviderNode.start({ dataDir: tempDir() });
  const webContents = { send: vi.fn() };
  const window = { webContents, isDestroyed: () => false };
  const unbind = bindContractToIpc(createDispatch(nodeHandlers(node), silentLogger), node, () => window as never);
  const invoke = handlers.get(INVOKE_CHANNEL);
  if (!invoke) throw new Error('no handler registered');
  const frame = (url: string, parent: unknown = null) => ({ url, parent });
  const call = (sender: unknown, senderFrame: unknown, method: string, input?: unknown) => invoke({ sender, senderFrame }, method, input);
  return { node, webContents, call, frame, cleanup: () => (unbind(), node.close()) };
}

describe('the IPC binding', () => {
  let cleanup: (() => void) | undefined;
  afterEach(() => cleanup?.());

  it('answers the app window’s main frame on our origin', async () => {
    const t = setup();
    cleanup = t.cleanup;
    expect(await t.call(t.webContents, t.frame('hearth://app/settings'), 'node.status')).toMatchObject({ ok: true, value: { state: 'running' } });
  });

  it.each([
    ['another window', 'other-contents', 'hearth://app/'],
    ['a subframe', 'own', 'hearth://app/', { url: 'hearth://app/' }],
    ['a page from elsewhere', 'own', 'https://evil.example/'],
    ['a look-alike origin', 'own', 'hearth://app.evil/'],
    ['a file page', 'own', 'file:///tmp/x.html'],
  ])('refuses %s, and runs nothing', async (_what: string, sender: string, url: string, parent: unknown = null) => {
    const t = setup();
    cleanup = t.cleanup;
    const reply = await t.call(sender === 'own' ? t.webContents : {}, t.frame(url, parent), 'node.pause', {});
    expect(reply).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    expect(t.node.status().state).toBe('running');
  });

  it('refuses a call whose frame is gone', async () => {
    const t = setup();
    cleanup = t.cleanup;
    expect(await t.call(t.webContents, null, 'node.status')).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
  });

  it('rejects bad input with a typed error and changes nothing', async () => {
    const t = setup();
    cleanup = t.cleanup;
    const reply = await t.call(t.webContents, t.frame('hearth://app/'), 'settings.update', { nodeName: '' });
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid_input', issues: ['nodeName: must not be empty'] } });
    expect(await t.call(t.webContents, t.frame('hearth://app/'), 'no.such')).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
  });

  it('pushes contract events to the window, encoded', async () => {
    const t = setup();
    cleanup = t.cleanup;
    await t.call(t.webContents, t.frame('hearth://app/'), 'node.pause', { durationMs: 60_000 });
    expect(t.webContents.send).toHaveBeenCalledWith(EVENT_CHANNEL, 'node.statusChanged', expect.objectContaining({ state: 'paused' }));
  });
});
