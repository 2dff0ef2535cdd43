import { statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { isLoopback, metricsAllowed } from '../../../main/headless/server.ts';
import { EVENTS_PATH, EVENTS_PROTOCOL, TOKEN_PROTOCOL_PREFIX } from '../../../shared/headless.ts';
import { loadOrCreateToken, TOKEN_FILE, tokenMatches } from '../../../main/headless/token.ts';
import { methodNames } from '../../../shared/api.ts';
import { api, startTestHeadless } from '../../helpers/headless.ts';
import { tempDir } from '../../helpers/temp.ts';

function connectWs(url: string, protocols: string[], headers: Record<string, string> = {}): Promise<'open' | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, protocols, { headers });
    ws.once('open', () => {
      ws.close();
      resolve('open');
    });
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('error', () => resolve(0));
  });
}

describe('headless API authentication', () => {
  it('refuses every method without the token or with a wrong one (401), changes nothing, and keeps serving', async () => {
    const { server, token, node } = await startTestHeadless();
    const wrong = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    for (const method of methodNames) {
      for (const presented of [undefined, wrong, '', `${token}x`]) {
        const response = await api(server.origin, presented, method, method === 'settings.update' ? { nodeName: 'owned' } : undefined);
        expect(response.status, `${method} with ${String(presented)}`).toBe(401);
        expect(response.headers.get('www-authenticate')).toBe('Bearer');
      }
    }
    // Unknown methods are not revealed without the token either.
    expect((await api(server.origin, undefined, 'node.nothing')).status).toBe(401);
    expect(node.settings().nodeName).toBe('My Hearth node');
    expect(node.status().state).toBe('running');
    expect((await api(server.origin, token, 'node.status')).status).toBe(200);
    // The scheme is case-insensitive (RFC 9110); the token is not.
    expect((await api(server.origin, undefined, 'node.status', undefined, { authorization: `bearer ${token}` })).status).toBe(200);
    expect((await api(server.origin, undefined, 'node.status', undefined, { authorization: `Bearer ${token.toLowerCase()}` })).status).toBe(401);
  });

  it('refuses the event socket without the right token, from another origin, or on another path', async () => {
    const { server, token } = await startTestHeadless();
    const url = `${server.origin.replace('http', 'ws')}${EVENTS_PATH}`;
    expect(await connectWs(url, [EVENTS_PROTOCOL])).toBe(401);
    expect(await connectWs(url, [EVENTS_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}nope`])).toBe(401);
    expect(await connectWs(url, [EVENTS_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`], { origin: 'https://evil.example' })).toBe(401);
    expect(await connectWs(`${server.origin.replace('http', 'ws')}/elsewhere`, [EVENTS_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`])).toBe(401);
    expect(await connectWs(url, [EVENTS_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`], { origin: server.origin })).toBe('open');
  });

  it('survives hostile upgrade requests without a token (Origin: null, malformed targets) and keeps serving', async () => {
    const { server, token } = await startTestHeadless();
    const url = `${server.origin.replace('http', 'ws')}${EVENTS_PATH}`;
    expect(await connectWs(url, [EVENTS_PROTOCOL], { origin: 'null' })).toBe(401);
    expect(await connectWs(url, [EVENTS_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`], { origin: 'null' })).toBe(401);
    const { connect } = await import('node:net');
    for (const target of ['http://[x', '//', '%', 'http://evil.example/api/events']) {
      const reply = await new Promise<string>((resolve) => {
        const socket = connect(server.port, '127.0.0.1', () => {
          socket.write(
            `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
              'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
          );
        });
        let data = '';
        socket.on('data', (chunk) => (data += chunk.toString()));
        socket.on('close', () => resolve(data));
        socket.on('error', () => resolve(data));
      });
      expect(reply.split('\r\n')[0] ?? '', target).toMatch(/^HTTP\/1\.1 (400|401)/);
    }
    expect((await api(server.origin, token, 'node.status')).status).toBe(200);
  });

  it('refuses requests whose Host is not this loopback server (DNS rebinding)', async () => {
    const { server, token } = await startTestHeadless();
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(
        { host: '127.0.0.1', port: server.port, path: '/api/node.status', method: 'POST', headers: { host: `attacker.example:${server.port}`, authorization: `Bearer ${token}` } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(403);
  });

  it('lets /metrics be scraped without a token from loopback only', () => {
    expect(metricsAllowed('127.0.0.1', undefined, 'secret')).toBe(true);
    expect(metricsAllowed('10.1.2.3', undefined, 'secret')).toBe(false);
    expect(metricsAllowed('10.1.2.3', 'wrong', 'secret')).toBe(false);
    expect(metricsAllowed('10.1.2.3', 'secret', 'secret')).toBe(true);
  });

  it('treats only loopback peers as local for /metrics', () => {
    for (const address of ['127.0.0.1', '127.8.9.10', '::1', '::ffff:127.0.0.1']) expect(isLoopback(address)).toBe(true);
    for (const address of ['10.0.0.2', '192.168.1.5', '::ffff:10.0.0.1', 'fe80::1', '', undefined, '1270.0.0.1']) expect(isLoopback(address)).toBe(false);
  });
});

describe('the API token file', () => {
  it('is created once with 0600 and reused', () => {
    const dir = tempDir();
    const first = loadOrCreateToken(dir);
    expect(first.created).toBe(true);
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(statSync(join(dir, TOKEN_FILE)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateToken(dir)).toEqual({ token: first.token, created: false });
  });

  it('is tightened to 0600 if found readable by others', () => {
    const dir = tempDir();
    writeFileSync(join(dir, TOKEN_FILE), `${'a'.repeat(43)}\n`, { mode: 0o644 });
    loadOrCreateToken(dir);
    expect(statSync(join(dir, TOKEN_FILE)).mode & 0o777).toBe(0o600);
  });

  it('is refused when damaged, naming the file', () => {
    const dir = tempDir();
    writeFileSync(join(dir, TOKEN_FILE), 'short');
    expect(() => loadOrCreateToken(dir)).toThrow(`The API token file ${join(dir, TOKEN_FILE)} is damaged`);
  });

  it('compares tokens in constant time and never matches a missing one', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abd')).toBe(false);
    expect(tokenMatches('abc', 'abcd')).toBe(false);
    expect(tokenMatches('abc', undefined)).toBe(false);
    expect(tokenMatches('abc', null)).toBe(false);
  });
});
