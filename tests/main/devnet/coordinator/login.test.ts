import { describe, expect, it } from 'vitest';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { newMessageId, PROTOCOL_VERSION } from '../../../../shared/protocol/messages.ts';
import { startTestCoordinator } from './harness.ts';

describe('logging in', () => {
  it('acks a login signed by the node key and records the node with its payee', async () => {
    const coordinator = await startTestCoordinator();
    const node = await coordinator.node();
    const payee = privateKeyToAccount(generatePrivateKey()).address;
    const answer = await node.login({ payee });
    expect(answer.type).toBe('ack');
    expect(coordinator.ledger.node(node.account.address)).toMatchObject({ address: node.address, lastPayee: payee.toLowerCase() });
    expect(coordinator.stats().nodes).toBe(1);
  });

  it.each([
    ['a signature by another key', () => ({ signer: privateKeyToAccount(generatePrivateKey()) }), /signed by/],
    ['another nonce', () => ({ nonce: 'x'.repeat(32) }), /nonce/],
    ['a stale issuedAt', () => ({ issuedAt: Date.now() - 6 * 60_000 }), /issuedAt/],
    ['a future issuedAt', () => ({ issuedAt: Date.now() + 6 * 60_000 }), /issuedAt/],
    ['another coordinator URL', () => ({ coordinator: 'ws://127.0.0.1:1/ws' }), /not this coordinator/],
  ])('refuses a login with %s: bad_login, fatal, closed', async (_what, options, reason) => {
    const coordinator = await startTestCoordinator();
    const node = await coordinator.node();
    const answer = await node.login(options());
    expect(answer).toMatchObject({ type: 'error', code: 'bad_login', fatal: true });
    expect(answer.type === 'error' && answer.message).toMatch(reason);
    expect((await node.closed).code).toBe(1008);
    expect(coordinator.ledger.node(node.account.address)).toBeUndefined();
    expect(coordinator.stats().rejections['bad_login']).toBe(1);
  });

  it('accepts the URL it signed for with a query string (origin and path are what count)', async () => {
    const coordinator = await startTestCoordinator();
    const node = await coordinator.node();
    expect((await node.login({ coordinator: `${coordinator.wsUrl}?region=eu` })).type).toBe('ack');
  });

  it('refuses anything but a login before login, and closes', async () => {
    const coordinator = await startTestCoordinator();
    const node = await coordinator.node();
    node.heartbeat(); // harmless before login
    const id = newMessageId();
    node.send({ v: PROTOCOL_VERSION, type: 'availability', id, state: 'running', reason: null });
    expect(await node.answer(id)).toMatchObject({ type: 'error', code: 'not_logged_in', fatal: true });
    expect((await node.closed).code).toBe(1008);
  });

  it('closes on garbage before login', async () => {
    const coordinator = await startTestCoordinator();
    const node = await coordinator.node();
    node.sendRaw('{"v":1,');
    expect(await node.next('error')).toMatchObject({ code: 'malformed_json', fatal: true, ref: null });
    expect((await node.closed).code).toBe(1008);
  });

  it('keeps one live session per node key: a new login closes the older one', async () => {
    const coordinator = await startTestCoordinator();
    const account = privateKeyToAccount(generatePrivateKey());
    const first = await coordinator.node(account);
    expect((await first.login()).type).toBe('ack');
    const second = await coordinator.node(account);
    expect((await second.login()).type).toBe('ack');
    expect(await first.closed).toEqual({ code: 4001, reason: 'replaced by a newer login of this node' });
    expect(coordinator.stats().nodes).toBe(1);
    // The newer session is the live one.
    const id = newMessageId();
    second.send({ v: PROTOCOL_VERSION, type: 'login', id, address: account.address, payee: null, nonce: second.hello.nonce, issuedAt: Date.now(), coordinator: coordinator.wsUrl, signature: `0x${'1'.repeat(130)}` });
    expect(await second.answer(id)).toMatchObject({ type: 'error', code: 'bad_login', fatal: false });
  });
});
