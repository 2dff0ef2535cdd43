import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { EVENTS_PATH, EVENTS_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../../shared/headless.ts';
import { api, startTestHeadless } from '../../helpers/headless.ts';
import { tempDir } from '../../helpers/temp.ts';

describe('headless server: the contract over HTTP', () => {
  it('serves node.status and settings round-trips', async () => {
    const { server, token, dataDir } = await startTestHeadless();
    const status = (await (await api(server.origin, token, 'node.status')).json()) as unknown;
    expect(status).toMatchObject({ ok: true, value: { state: 'running', dataDir } });

    const updated = await api(server.origin, token, 'settings.update', { nodeName: 'Loft' });
    expect(updated.status).toBe(200);
    expect(await (await api(server.origin, token, 'settings.get', {})).json()).toMatchObject({ ok: true, value: { nodeName: 'Loft' } });
  });

  it('answers bad input with 400 and the issues, and changes nothing', async () => {
    const { server, token, node } = await startTestHeadless();
    const response = await api(server.origin, token, 'settings.update', { nodeName: 'x'.repeat(100), colour: 'red' });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { code: string; issues: string[] } };
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.issues).toEqual(expect.arrayContaining(['nodeName: must be at most 64 characters', expect.stringContaining('colour') as unknown]));
    expect(node.settings().nodeName).toBe('My Hearth node');

    const pause = await api(server.origin, token, 'node.pause', { durationMs: 'soon' });
    expect(pause.status).toBe(400);
    expect(node.status().state).toBe('running');
  });

  it('answers malformed JSON with 400, a wrong content type with 415, a huge body with 413', async () => {
    const { server, token } = await startTestHeadless();
    const malformed = await api(server.origin, token, 'settings.update', '{"nodeName": ', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ error: { message: 'the request body is not valid JSON' } });

    const form = await fetch(`${server.origin}/api/settings.update`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/plain' }, body: 'nodeName=x' });
    expect(form.status).toBe(415);

    const huge = await api(server.origin, token, 'settings.update', { nodeName: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    // The server is still serving.
    expect((await api(server.origin, token, 'node.status')).status).toBe(200);
  });

  it('answers an unknown method with 404 and a GET with 405', async () => {
    const { server, token } = await startTestHeadless();
    const unknown = await api(server.origin, token, 'node.selfDestruct');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ ok: false, error: { code: 'unknown_method' } });
    const get = await fetch(`${server.origin}/api/node.status`, { headers: { authorization: `Bearer ${token}` } });
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });

  it('serves /healthz without a token and /metrics in Prometheus format to loopback', async () => {
    const { server, token } = await startTestHeadless();
    const health = await fetch(`${server.origin}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', state: 'running' });

    await api(server.origin, token, 'node.pause', {});
    const metrics = await fetch(`${server.origin}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await metrics.text();
    expect(text).toMatch(/^# HELP hearth_up /m);
    expect(text).toMatch(/^hearth_up 1$/m);
    expect(text).toMatch(/^hearth_node_state\{state="paused"\} 1$/m);
    expect(text).toMatch(/^hearth_node_state\{state="running"\} 0$/m);
  });

  it('pushes node.statusChanged over the WebSocket', async () => {
    const { server, token } = await startTestHeadless();
    const ws = new WebSocket(`${server.origin.replace('http', 'ws')}${EVENTS_PATH}`, [EVENTS_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`]);
    await new Promise((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    expect(ws.protocol).toBe(EVENTS_PROTOCOL);
    const frame = new Promise<unknown>((resolve) => ws.once('message', (data: Buffer) => resolve(JSON.parse(data.toString()))));
    await api(server.origin, token, 'node.pause', { durationMs: 3_600_000 });
    expect(await frame).toMatchObject({ event: 'node.statusChanged', payload: { state: 'paused', pausedUntil: expect.any(Number) as unknown } });
    ws.close();
  });

  it('serves the built renderer, with its CSP, and index.html for app routes', async () => {
    const rendererDir = tempDir();
    mkdirSync(join(rendererDir, 'assets'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Hearth</title>');
    writeFileSync(join(rendererDir, 'assets', 'app-123.js'), 'console.log(1)');
    const { server } = await startTestHeadless({ rendererDir });

    const index = await fetch(`${server.origin}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(index.headers.get('x-frame-options')).toBe('DENY');
    const route = await fetch(`${server.origin}/settings`);
    expect(await route.text()).toContain('<title>Hearth</title>');
    const asset = await fetch(`${server.origin}/assets/app-123.js`);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${server.origin}/assets/missing.js`)).status).toBe(404);
  });

  it('says the UI is not built rather than failing when dist/renderer is missing', async () => {
    const { server } = await startTestHeadless({ rendererDir: join(tempDir(), 'nothing-here') });
    const response = await fetch(`${server.origin}/`);
    expect(response.status).toBe(503);
    expect(await response.text()).toMatch(/npm run build/);
  });

  it('names the port when it is already taken', async () => {
    const { server } = await startTestHeadless();
    const { runHeadless } = await import('../../../main/headless/run.ts');
    const { silentLogger } = await import('../../../main/node/log.ts');
    await expect(runHeadless({ dataDir: tempDir(), host: '127.0.0.1', port: server.port, logger: silentLogger })).rejects.toThrow(
      `Port ${server.port} on 127.0.0.1 is already in use`,
    );
  });
});
