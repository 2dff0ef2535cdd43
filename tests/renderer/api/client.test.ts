import { describe, expect, it, vi } from 'vitest';
import { HearthClient } from '../../../renderer/src/api/client.ts';
import type { ConnectionState, Transport } from '../../../renderer/src/api/transport.ts';
import { ApiError, type Reply } from '../../../shared/api.ts';

function fakeTransport(reply: (method: string, input: unknown) => Reply) {
  const listeners = new Set<(event: string, payload: unknown) => void>();
  const invoke = vi.fn((method: string, input: unknown) => Promise.resolve(reply(method, input)));
  const transport: Transport = {
    kind: 'http',
    invoke,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onConnection(listener: (state: ConnectionState) => void) {
      listener('open');
      return () => {};
    },
  };
  return { transport, invoke, push: (event: string, payload: unknown) => listeners.forEach((l) => l(event, payload)) };
}

const status = { state: 'running', reason: 'Ready to take work', since: 1, pausedUntil: null, version: '0.1.0', dataDir: '/d', nodeName: 'n' };

describe('HearthClient', () => {
  it('sends the wire input and decodes the output with the contract', async () => {
    const { transport, invoke } = fakeTransport(() => ({ ok: true, value: status }));
    const client = new HearthClient(transport);
    await expect(client.call('node.pause', { durationMs: 60_000 })).resolves.toEqual(status);
    expect(invoke).toHaveBeenCalledWith('node.pause', { durationMs: 60_000 });
    await client.call('node.status');
    expect(invoke).toHaveBeenLastCalledWith('node.status', undefined);
  });

  it('throws a typed ApiError for a failed call', async () => {
    const { transport } = fakeTransport(() => ({ ok: false, error: { code: 'invalid_input', message: 'bad', issues: ['nodeName: must not be empty'] } }));
    const error = await new HearthClient(transport).call('settings.update', { nodeName: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'invalid_input', issues: ['nodeName: must not be empty'] });
  });

  it('refuses a reply outside the contract instead of passing it to the UI', async () => {
    const { transport } = fakeTransport(() => ({ ok: true, value: { state: 'exploded' } }));
    await expect(new HearthClient(transport).call('node.status')).rejects.toThrow();
  });

  it('delivers decoded events by name and drops malformed ones', () => {
    const { transport, push } = fakeTransport(() => ({ ok: true, value: null }));
    const seen = vi.fn();
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    const off = new HearthClient(transport).on('node.statusChanged', seen);
    push('node.statusChanged', status);
    push('node.statusChanged', { state: 'exploded' });
    push('settings.changed', { theme: 'dark' });
    expect(seen).toHaveBeenCalledExactlyOnceWith(status);
    expect(errors).toHaveBeenCalledOnce();
    off();
    push('node.statusChanged', status);
    expect(seen).toHaveBeenCalledOnce();
    errors.mockRestore();
  });
});
