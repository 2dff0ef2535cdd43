import { describe, expect, it } from 'vitest';
import { MAX_FRAME_BYTES, newMessageId, PROTOCOL_VERSION } from '../../../../shared/protocol/messages.ts';
import { ScriptedNode } from '../../../helpers/scripted-node.ts';
import { scaleOutputs, startTestCoordinator } from './harness.ts';

/** The connection still works: an unknown job's result gets its typed answer. */
async function stillAnswers(node: ScriptedNode): Promise<void> {
  const id = newMessageId();
  node.send({ v: PROTOCOL_VERSION, type: 'failed', id, jobId: `0x${'cd'.repeat(32)}`, code: 'internal', message: 'probe' });
  expect(await node.answer(id)).toMatchObject({ type: 'error', code: 'unknown_job', fatal: false });
}

describe('bad input from a logged-in node', () => {
  it.each([
    ['malformed JSON', () => '{"v":1,"type":', 'malformed_json', null],
    ['a JSON array', () => '[1,2,3]', 'schema', null],
    ['an unknown type', () => JSON.stringify({ v: 1, type: 'mine', id: 'm-1' }), 'unknown_type', 'm-1'],
    ['a schema violation', () => JSON.stringify({ v: 1, type: 'accept', id: 'm-2', jobId: '0x12' }), 'schema', 'm-2'],
    ['an extra key', () => JSON.stringify({ v: 1, type: 'heartbeat', id: 'm-3', at: 1, extra: true }), 'schema', 'm-3'],
    ['invalid UTF-8 in a binary frame', () => Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), 'malformed_json', null],
  ])('%s: a typed error, and the connection survives', async (_what, frame, code, ref) => {
    const coordinator = await startTestCoordinator();
    const node = await coordinator.readyNode();
    node.sendRaw(frame());
    expect(await node.next('error')).toMatchObject({ code, ref, fatal: false });
    await stillAnswers(node);
    expect(coordinator.stats().rejections[code]).toBe(1);
  });

  it('a binary frame holding a valid message is taken like a text one', async () => {
    const coordinator = await startTestCoordinator();
    const node = await coordinator.readyNode();
    const id = newMessageId();
    node.sendRaw(Buffer.from(JSON.stringify({ v: 1, type: 'failed', id, jobId: `0x${'cd'.repeat(32)}`, code: 'internal', message: 'x' })));
    expect(await node.answer(id)).toMatchObject({ code: 'unknown_job' });
  });

  it('another protocol version is fatal', async () => {
    const coordinator = await startTestCoordinator();
    const node = await coordinator.readyNode();
    node.sendRaw(JSON.stringify({ v: 2, type: 'heartbeat', id: 'v-2', at: 1 }));
    expect(await node.next('error')).toMatchObject({ code: 'unsupported_version', ref: 'v-2', fatal: true });
    expect((await node.closed).code).toBe(1008);
  });

  it('a frame over MAX_FRAME_BYTES closes the connection (1009) and is counted', async () => {
    const coordinator = await startTestCoordinator();
    const node = await coordinator.readyNode();
    node.sendRaw('x'.repeat(MAX_FRAME_BYTES + 1));
    expect((await node.closed).code).toBe(1009);
    await expect.poll(() => coordinator.stats().rejections['frame_too_large']).toBe(1);
  });

  it('a connection that has not logged in may not send more than a login: a large frame closes it (1008)', async () => {
    const coordinator = await startTestCoordinator();
    const stranger = await ScriptedNode.connect(coordinator.wsUrl);
    stranger.sendRaw('x'.repeat(1024 * 1024));
    expect((await stranger.closed).code).toBe(1008);
    // Others are not affected.
    await stillAnswers(await coordinator.readyNode());
  });

  it('invalid UTF-8 in a text frame closes the connection (1007) and is counted', async () => {
    const coordinator = await startTestCoordinator();
    const node = await coordinator.readyNode();
    node.ws.send(Buffer.from([0x7b, 0xff, 0x7d]), { binary: false });
    expect((await node.closed).code).toBe(1007);
    await expect.poll(() => coordinator.stats().rejections['malformed_json']).toBe(1);
  });

  it('is logged once per reason per connection, however much of it comes, and never stops the coordinator', async () => {
    const coordinator = await startTestCoordinator();
    const hostile = await coordinator.readyNode();
    const honest = await coordinator.readyNode();
    for (let i = 0; i < 500; i++) {
      hostile.sendRaw(i % 2 === 0 ? '{' : JSON.stringify({ v: 1, type: 'nope', id: `n-${i}` }));
    }
    await stillAnswers(hostile);
    expect(hostile.drain('error')).toHaveLength(500);
    expect(coordinator.stats().rejections).toMatchObject({ malformed_json: 250, unknown_type: 250 });
    const lines = coordinator.logs.filter((line) => line.message.includes(hostile.address));
    expect(lines.filter((line) => line.message.includes('malformed_json'))).toHaveLength(1);
    expect(lines.filter((line) => line.message.includes('unknown_type'))).toHaveLength(1);
    // The honest node is served all along.
    const { offer } = await honest.next('offer');
    honest.accept(offer.jobId);
    expect((await honest.answer(await honest.result(offer, scaleOutputs(offer)))).type).toBe('ack');
    // Closing flushes a summary of what was counted but not logged.
    await hostile.close();
    await expect.poll(() => coordinator.logs.some((line) => line.message.includes(`node ${hostile.address}: also rejected`))).toBe(true);
  });
});

describe('heartbeats', () => {
  it('the coordinator sends them, and closes a silent connection with 4000', async () => {
    const coordinator = await startTestCoordinator({ heartbeatMs: 1000 });
    const silent = await coordinator.readyNode();
    const alive = await coordinator.readyNode();
    alive.keepAlive(250);
    expect(silent.hello.heartbeatMs).toBe(1000);
    await silent.next('heartbeat', () => true, 3_000);
    expect((await silent.closed).code).toBe(4000);
    expect(alive.ws.readyState).toBe(alive.ws.OPEN);
  });
});
