/**
 * A coordinator for tests: a tiny workload (y = 2·x on the scale model), a
 * random payer and network addresses (vouchers are verified off-chain, so no
 * chain is needed), a ledger in a temp dir, logs captured.
 */
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { onTestFinished } from 'vitest';
import type { LocalAccount } from 'viem';
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts';
import { scaleModel } from '../../../../shared/onnx/zoo.ts';
import type { Offer } from '../../../../shared/protocol/messages.ts';
import { decodeTensor, encodeTensor, type JobOutputs } from '../../../../shared/protocol/payloads.ts';
import { tensorJobOutputs } from '../../../../shared/protocol/results.ts';
import type { Address, Voucher, VoucherWire } from '../../../../shared/voucher.ts';
import type { DemoJob, DemoModel, Workload } from '../../../../main/devnet/workload/types.ts';
import { startCoordinator, type Coordinator, type CoordinatorOptions } from '../../../../main/devnet/coordinator/server.ts';
import type { LogLevel } from '../../../../main/devnet/coordinator/context.ts';
import { VoucherVerifier } from '../../../../main/wallet/vouchers.ts';
import { randomAddress } from '../../../helpers/net.ts';
import { ScriptedNode } from '../../../helpers/scripted-node.ts';
import { tempDir } from '../../../helpers/temp.ts';

export const PRICE = 1_000n;
export const CHAIN_ID = 31337;

export interface ScaleWorkload extends Workload {
  /** Jobs drawn so far. */
  readonly drawn: number;
}

/** Jobs of y = 2·x over three floats, priced `price`, each a little different. */
export function scaleWorkload(options: { price?: bigint; deadlineMs?: number } = {}): ScaleWorkload {
  const bytes = scaleModel();
  const model: DemoModel = { id: 'test/scale', task: 'tensor', sha256: createHash('sha256').update(bytes).digest('hex'), bytes };
  let drawn = 0;
  return {
    models: [model],
    get drawn() {
      return drawn;
    },
    next(): DemoJob {
      drawn += 1;
      const x = Float32Array.of(drawn, drawn + 0.5, -drawn);
      return {
        task: 'tensor',
        model,
        inputs: { task: 'tensor', tensors: [encodeTensor('x', { type: 'float32', dims: [3], data: x })] },
        price: options.price ?? PRICE,
        deadlineMs: options.deadlineMs ?? 30_000,
        expected: x.map((value) => value * 2),
      };
    },
    check(job, outputs) {
      const y = outputs.task === 'tensor' ? outputs.tensors.find((tensor) => tensor.name === 'y') : undefined;
      if (!y || y.type !== 'float32') return { ok: false, reason: 'no float32 output y' };
      const got = decodeTensor(y).data as Float32Array;
      const expected = job.expected as Float32Array;
      const same = got.length === expected.length && got.every((value, i) => value === expected[i]);
      return same ? { ok: true } : { ok: false, reason: 'y is not 2·x' };
    },
  };
}

/** The right answer to a scale offer (or a wrong one). */
export function scaleOutputs(offer: Offer, wrong = false): JobOutputs {
  if (offer.inputs.task !== 'tensor') throw new Error('not a tensor offer');
  const [x] = offer.inputs.tensors;
  if (!x) throw new Error('no input');
  const values = decodeTensor(x).data as Float32Array;
  const y = values.map((value) => value * 2 + (wrong ? 1 : 0));
  return tensorJobOutputs({ y: { type: 'float32', dims: [values.length], data: y } });
}

/** A received voucher back in wire form (amount as a decimal string), as VoucherVerifier takes it. */
export function wire(voucher: Voucher): VoucherWire {
  return { ...voucher, cumulativeAmount: voucher.cumulativeAmount.toString() };
}

export interface TestCoordinator extends Coordinator {
  payer: LocalAccount;
  escrow: Address;
  token: Address;
  ledgerFile: string;
  options: CoordinatorOptions;
  logs: { level: LogLevel; message: string }[];
  /** A node connected to it (closed when the test ends). */
  node(account?: LocalAccount): Promise<ScriptedNode>;
  /** A node connected, logged in (payee null unless given) and announced. */
  readyNode(options?: { payee?: Address | null; account?: LocalAccount; maxConcurrentJobs?: number }): Promise<ScriptedNode>;
  verifier(payee: Address): VoucherVerifier;
  /** Closes this one and starts another on the same ledger, payer and network. */
  restart(overrides?: Partial<CoordinatorOptions>): Promise<TestCoordinator>;
}

export async function startTestCoordinator(overrides: Partial<CoordinatorOptions> & { dir?: string } = {}): Promise<TestCoordinator> {
  const dir = overrides.dir ?? tempDir('hearth-coordinator-');
  const payer = overrides.payer ?? privateKeyToAccount(generatePrivateKey());
  const escrow = overrides.network?.escrow ?? randomAddress();
  const token = overrides.network?.token.address ?? randomAddress();
  const logs: { level: LogLevel; message: string }[] = [];
  const options: CoordinatorOptions = {
    ledgerFile: join(dir, 'devnet', 'coordinator.sqlite'),
    payer,
    network: { chainId: CHAIN_ID, escrow, token: { address: token, symbol: 'tUSD', decimals: 6 } },
    workload: scaleWorkload(),
    rate: 'max',
    voucherIntervalMs: 20,
    logger: (level, message) => logs.push({ level, message }),
    ...overrides,
  };
  const coordinator = await startCoordinator(options);
  onTestFinished(() => coordinator.close());
  const harness: TestCoordinator = {
    ...coordinator,
    stats: () => coordinator.stats(),
    close: () => coordinator.close(),
    payer,
    escrow,
    token,
    ledgerFile: options.ledgerFile,
    options,
    logs,
    async node(account) {
      const node = await ScriptedNode.connect(coordinator.wsUrl, account ? { account } : {});
      onTestFinished(() => node.close());
      return node;
    },
    async readyNode(nodeOptions = {}) {
      const node = await harness.node(nodeOptions.account);
      const answer = await node.login({ payee: nodeOptions.payee ?? null });
      if (answer.type !== 'ack') throw new Error(`login refused: ${answer.message}`);
      node.announce({ tasks: ['tensor'], maxConcurrentJobs: nodeOptions.maxConcurrentJobs ?? 1 });
      return node;
    },
    verifier: (payee) => new VoucherVerifier({ chainId: CHAIN_ID, escrow, payer: payer.address, provider: payee }),
    async restart(more = {}) {
      await coordinator.close();
      return startTestCoordinator({ ...options, ...more, dir });
    },
  };
  return harness;
}

export { ScriptedNode };
