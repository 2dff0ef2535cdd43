import { defaultSettings } from '../../../shared/settings.ts';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatch, nodeHandlers, type Handlers } from '../../../main/node/api.ts';
import { silentLogger } from '../../../main/node/log.ts';
import { ProviderNode } from '../../../main/node/provider-node.ts';
import { tempDir } from '../../helpers/temp.ts';

describe('the contract dispatcher', () => {
  let node: ProviderNode | undefined;
  afterEach(() => node?.close());
  const dispatchFor = () => {
    node = ProviderNode.start({ dataDir: tempDir() });
    return { node, dispatch: createDispatch(nodeHandlers(node), silentLogger) };
  };

  it('calls the handler with decoded input and returns the encoded output', async () => {
    const { dispatch } = dispatchFor();
    const reply = await dispatch('settings.update', { nodeName: '  Den  ' });
    expect(reply).toEqual({ ok: true, value: { ...defaultSettings, nodeName: 'Den' } });
  });

  it('answers unknown methods with unknown_method, including inherited names', async () => {
    const { dispatch } = dispatchFor();
    for (const name of ['node.explode', 'constructor', '__proto__', 42, undefined]) {
      const reply = await dispatch(name, undefined);
      expect(reply).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    }
  });

  it('rejects invalid input with every issue summarised, and changes nothing', async () => {
    const { node, dispatch } = dispatchFor();
    const before = node.settings();
    const reply = await dispatch('settings.update', { nodeName: '', theme: 'sepia' });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('invalid_input');
    expect(reply.error.issues).toEqual(['nodeName: must not be empty', expect.stringMatching(/^theme: /) as unknown]);
    expect(node.settings()).toEqual(before);
    expect(node.store.db.prepare('SELECT count(*) FROM settings').pluck().get()).toBe(0);

    const pause = await dispatch('node.pause', { durationMs: -5 });
    expect(pause).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    expect(node.status().state).toBe('running');
  });

  it('turns a throwing handler into an internal error, and an off-contract result too', async () => {
    const throwing = { 'node.status': () => { throw new Error('disk on fire'); } } as unknown as Handlers;
    const reply = await createDispatch(throwing, silentLogger)('node.status', undefined);
    expect(reply).toEqual({ ok: false, error: { code: 'internal', message: 'node.status failed: disk on fire' } });

    const lying = { 'node.status': () => ({ state: 'exploded' }) } as unknown as Handlers;
    expect(await createDispatch(lying, silentLogger)('node.status', undefined)).toMatchObject({ ok: false, error: { code: 'internal', message: 'node.status returned an invalid result' } });
  });
});
