import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { manifestSchema } from '../../../../shared/protocol/manifest.ts';
import { PROTOCOL_VERSION } from '../../../../shared/protocol/version.ts';
import { ScriptedNode } from '../../../helpers/scripted-node.ts';
import { CHAIN_ID, startTestCoordinator } from './harness.ts';

describe('the coordinator over HTTP', () => {
  it('serves the manifest nodes parse, naming its own WebSocket and the rpc hint', async () => {
    const coordinator = await startTestCoordinator({ rpcUrl: 'http://127.0.0.1:8545' });
    const response = await fetch(coordinator.manifestUrl);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    const body: unknown = await response.json();
    const manifest = manifestSchema.parse(body);
    expect(manifest).toEqual({
      protocolVersion: PROTOCOL_VERSION,
      chainId: CHAIN_ID,
      escrow: coordinator.escrow,
      token: { address: coordinator.token, symbol: 'tUSD', decimals: 6 },
      payer: coordinator.payer.address,
      coordinator: coordinator.wsUrl,
    });
    expect(body).toMatchObject({ rpcUrl: 'http://127.0.0.1:8545' });
    expect(coordinator.wsUrl).toBe(`${coordinator.httpUrl.replace('http', 'ws')}/ws`);
  });

  it('serves each model by its sha256, and nothing else under /models', async () => {
    const coordinator = await startTestCoordinator();
    const [model] = coordinator.options.workload.models;
    if (!model) throw new Error('no model');
    const response = await fetch(`${coordinator.httpUrl}/models/${model.sha256}`);
    expect(response.status).toBe(200);
    expect(Number(response.headers.get('content-length'))).toBe(model.bytes.length);
    const bytes = new Uint8Array(await response.arrayBuffer());
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(model.sha256);

    const head = await fetch(`${coordinator.httpUrl}/models/${model.sha256}`, { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(Number(head.headers.get('content-length'))).toBe(model.bytes.length);

    expect((await fetch(`${coordinator.httpUrl}/models/${'0'.repeat(64)}`)).status).toBe(404);
    expect((await fetch(`${coordinator.httpUrl}/models/${model.sha256.toUpperCase()}`)).status).toBe(404);
    expect((await fetch(`${coordinator.httpUrl}/models/../healthz`)).status).toBe(200); // fetch normalises the path; the server never sees ..
  });

  it('answers health, metrics, and refuses other paths and methods', async () => {
    const coordinator = await startTestCoordinator();
    expect(await (await fetch(`${coordinator.httpUrl}/healthz`)).text()).toBe('ok\n');
    expect(await (await fetch(`${coordinator.httpUrl}/metrics`)).text()).toContain('hearth_coordinator_jobs_total{outcome="offered"} 0');
    expect((await fetch(`${coordinator.httpUrl}/nope`)).status).toBe(404);
    expect((await fetch(`${coordinator.httpUrl}/`)).status).toBe(404);
    const post = await fetch(coordinator.manifestUrl, { method: 'POST', body: '{}' });
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${coordinator.httpUrl}/ws`)).status).toBe(426);
  });

  it('refuses a WebSocket from a browser page (Origin) and on another path', async () => {
    const coordinator = await startTestCoordinator();
    await expect(ScriptedNode.connect(coordinator.wsUrl, { headers: { origin: 'https://evil.example' } })).rejects.toThrow(/403/);
    await expect(ScriptedNode.connect(`${coordinator.httpUrl.replace('http', 'ws')}/other`)).rejects.toThrow(/404/);
    const node = await coordinator.node();
    expect(node.hello.network).toEqual({ chainId: CHAIN_ID, escrow: coordinator.escrow, token: coordinator.token, payer: coordinator.payer.address });
    expect(node.hello.heartbeatMs).toBe(15_000);
  });
});
