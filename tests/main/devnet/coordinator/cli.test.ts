import { describe, expect, it } from 'vitest';
import { createPublicClient, http } from 'viem';
import { manifestSchema } from '../../../../shared/protocol/manifest.ts';
import { CliUsageError, DEFAULT_PORT, DEFAULT_RATE, parseCliArgs, runNetwork, USAGE } from '../../../../main/devnet/coordinator/cli.ts';
import { ScriptedNode } from '../../../helpers/scripted-node.ts';
import { tempDir } from '../../../helpers/temp.ts';

describe('the coordinator command line', () => {
  it('has defaults for everything', () => {
    expect(parseCliArgs([])).toEqual({
      dataDir: './hearth-network',
      host: '127.0.0.1',
      port: DEFAULT_PORT,
      publicUrl: undefined,
      rate: DEFAULT_RATE,
      mix: {},
      seed: undefined,
      voucherIntervalMs: 1000,
      rpcPort: 7071,
    });
  });

  it('takes every flag', () => {
    const options = parseCliArgs([
      '--data-dir=/tmp/x',
      '--host',
      '0.0.0.0',
      '--port',
      '0',
      '--public-url',
      'https://net.example',
      '--rate',
      'max',
      '--mix',
      'tensor=6, embedding=0,ocr=1.5',
      '--seed',
      '42',
      '--voucher-interval-ms',
      '250',
      '--rpc-port',
      '0',
    ]);
    expect(options).toEqual({
      dataDir: '/tmp/x',
      host: '0.0.0.0',
      port: 0,
      publicUrl: 'https://net.example',
      rate: 'max',
      mix: { tensor: 6, embedding: 0, ocr: 1.5 },
      seed: 42,
      voucherIntervalMs: 250,
      rpcPort: 0,
    });
    expect(parseCliArgs(['--rate', '0.5'])?.rate).toBe(0.5);
  });

  it.each([
    [['--port', '70000'], /--port/],
    [['--port', 'x'], /--port/],
    [['--rate', '0'], /--rate/],
    [['--rate', 'fast'], /--rate/],
    [['--mix', 'gpu=1'], /--mix/],
    [['--mix', 'tensor=1,tensor=2'], /twice/],
    [['--mix', 'tensor=0,embedding=0,ocr=0'], /at least one/],
    [['--public-url', 'ftp://x'], /--public-url/],
    [['--data-dir', ''], /--data-dir/],
    [['--nope'], /nope/],
    [['positional'], /positional/i],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });

  it('prints its usage for --help', () => {
    const printed: string[] = [];
    expect(parseCliArgs(['--help'], (text) => printed.push(text))).toBeUndefined();
    expect(printed).toEqual([USAGE]);
  });

  it('runs a whole local network from a data dir, and the same one again after a restart', async () => {
    const dataDir = tempDir('hearth-network-');
    const parsed = parseCliArgs(['--port', '0', '--rpc-port', '0', '--rate', 'max', '--mix', 'tensor=1,embedding=0,ocr=0']);
    if (!parsed) throw new Error('no options');
    const options = { ...parsed, dataDir };
    const first = await runNetwork(options, () => undefined);
    let manifest;
    try {
      manifest = manifestSchema.parse(await (await fetch(first.coordinator.manifestUrl)).json());
      expect(first.coordinator.manifest.rpcUrl).toBe(first.rpc.url);
      const client = createPublicClient({ transport: http(first.rpc.url) });
      expect(await client.getChainId()).toBe(manifest.chainId);
      const node = await ScriptedNode.connect(manifest.coordinator);
      expect((await node.login()).type).toBe('ack');
      node.announce({ tasks: ['tensor'] });
      const { offer } = await node.next('offer', () => true, 15_000);
      expect(offer.payer).toBe(manifest.payer);
      await node.close();
    } finally {
      await first.close();
    }
    const second = await runNetwork(options, () => undefined);
    try {
      expect(second.coordinator.manifest).toMatchObject({ payer: manifest.payer, escrow: manifest.escrow, chainId: manifest.chainId });
      expect(second.coordinator.ledger.countsByState().offered + second.coordinator.ledger.countsByState().withdrawn).toBeGreaterThanOrEqual(1);
    } finally {
      await second.close();
    }
  }, 120_000);
});
