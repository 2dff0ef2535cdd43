/**
 * The kill test (issue 5, Checks): the real headless node, from source in a
 * child process, earns from a network in this process and is SIGKILLed at
 * random moments — while it accepts, runs, reports results and stores
 * vouchers — at least 20 times. After every kill its database must be intact;
 * once it is back and has caught up, what it holds must be exactly what the
 * coordinator signed: the same latest voucher, paid jobs adding up to it, no
 * job paid twice or lost, and the jobs the kill cut short reported failed
 * (`interrupted`) and never credited.
 *
 * The kill moments come from a seeded PRNG whose seed is printed:
 * HEARTH_KILL_SEED=<n> repeats them (the network's own timing still varies),
 * HEARTH_KILL_ROUNDS=<n> changes the number of kills.
 */
import { randomInt } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import BetterSqlite3 from 'better-sqlite3';
import { expect, it, onTestFinished } from 'vitest';
import { mulberry32 } from '../../../main/devnet/workload/random.ts';
import type { RunningNetwork } from '../../../main/devnet/coordinator/cli.ts';
import { DATABASE_FILE } from '../../../main/store/index.ts';
import type { JobsSummary } from '../../../shared/jobs.ts';
import type { NetworkStatus } from '../../../shared/network.ts';
import type { WalletStatus } from '../../../shared/wallet.ts';
import { configureNodeFor, spawnHeadlessNode, startStandaloneNetwork, type NodeProcess } from '../../helpers/remote-node.ts';
import { tempDir } from '../../helpers/temp.ts';

const ROUNDS = Number(process.env.HEARTH_KILL_ROUNDS ?? 25);
const SEED = Number(process.env.HEARTH_KILL_SEED ?? randomInt(2 ** 31));
/** Generous: on a busy 2-core machine a start from source (TypeScript, the inference worker) takes seconds. */
const SETTLE_TIMEOUT_MS = 60_000;
const EARNING_TIMEOUT_MS = 30_000;
const POLL_MS = 50;

// ---- the node's database, read from outside ---------------------------------------------------

interface NodeJob {
  id: string;
  state: 'accepted' | 'running' | 'succeeded' | 'failed' | 'paid';
  price: bigint;
  voucherId: number | null;
  errorCode: string | null;
  reportedAt: number | null;
}

interface NodeVoucher {
  id: number;
  chainId: number;
  escrow: string;
  payer: string;
  payee: string;
  token: string;
  cumulative: bigint;
  signature: string;
}

interface NodeSnapshot {
  /** `PRAGMA integrity_check` (['ok'] when intact) and the rows `PRAGMA foreign_key_check` reports; null when not checked. */
  integrity: string[] | null;
  foreignKeyProblems: number | null;
  jobs: Map<string, NodeJob>;
  vouchers: NodeVoucher[];
}

/**
 * Reads the node's database read-only, in one read transaction: a consistent
 * picture even while the node writes (WAL), and after a kill the node itself
 * — not this test — recovers whatever the kill left in the journal.
 */
function readNodeDb(file: string, checkIntegrity: boolean): NodeSnapshot {
  const db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  try {
    return db.transaction(() => {
      const integrity = checkIntegrity ? (db.pragma('integrity_check') as { integrity_check: string }[]).map((row) => row.integrity_check) : null;
      const foreignKeyProblems = checkIntegrity ? (db.pragma('foreign_key_check') as unknown[]).length : null;
      const jobRows = db
        .prepare<[], { id: string; state: NodeJob['state']; price: string; voucher_id: number | null; error_code: string | null; reported_at: number | null }>(
          'SELECT id, state, price, voucher_id, error_code, reported_at FROM jobs',
        )
        .all();
      const voucherRows = db
        .prepare<[], { id: number; chain_id: number; escrow: string; payer: string; payee: string; token: string; cumulative_amount: string; signature: string }>(
          'SELECT id, chain_id, escrow, payer, payee, token, cumulative_amount, signature FROM vouchers ORDER BY id',
        )
        .all();
      return {
        integrity,
        foreignKeyProblems,
        jobs: new Map(
          jobRows.map((row) => [
            row.id.toLowerCase(),
            { id: row.id.toLowerCase(), state: row.state, price: BigInt(row.price), voucherId: row.voucher_id, errorCode: row.error_code, reportedAt: row.reported_at },
          ]),
        ),
        vouchers: voucherRows.map((row) => ({
          id: row.id,
          chainId: row.chain_id,
          escrow: row.escrow.toLowerCase(),
          payer: row.payer.toLowerCase(),
          payee: row.payee.toLowerCase(),
          token: row.token.toLowerCase(),
          cumulative: BigInt(row.cumulative_amount),
          signature: row.signature.toLowerCase(),
        })),
      };
    })();
  } finally {
    db.close();
  }
}

// ---- the coordinator's books -----------------------------------------------------------------

interface Channel {
  chainId: number;
  escrow: string;
  payer: string;
  token: string;
  payee: string;
}

interface LedgerJobView {
  state: string;
  price: bigint;
  credited: boolean;
  voucherId: number | null;
}

interface LedgerView {
  signed: bigint;
  latestSignature: string | null;
  jobs: Map<string, LedgerJobView>;
  unackedVouchers: number;
}

/** The coordinator's ledger for this node, read synchronously: nothing in this process can change it meanwhile. */
function readLedger(network: RunningNetwork, channel: Channel, node: string): LedgerView {
  const ledger = network.coordinator.ledger;
  const rows = ledger.db
    .prepare<[string], { id: string; state: string; price: string; credited: number; voucher_id: number | null }>(
      'SELECT id, state, price, credited, voucher_id FROM jobs WHERE node = ?',
    )
    .all(node.toLowerCase());
  const unacked = ledger.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM vouchers WHERE node = ? AND acked_at IS NULL').get(node.toLowerCase());
  return {
    signed: ledger.signedTotal(channel.payer as `0x${string}`, channel.payee as `0x${string}`),
    latestSignature: ledger.latestVoucher(channel.payee as `0x${string}`)?.signature.toLowerCase() ?? null,
    jobs: new Map(rows.map((row) => [row.id.toLowerCase(), { state: row.state, price: BigInt(row.price), credited: row.credited === 1, voucherId: row.voucher_id }])),
    unackedVouchers: unacked?.n ?? 0,
  };
}

// ---- what must hold -------------------------------------------------------------------------

function inChannel(voucher: NodeVoucher, channel: Channel): boolean {
  return (
    voucher.chainId === channel.chainId && voucher.escrow === channel.escrow && voucher.payer === channel.payer && voucher.token === channel.token && voucher.payee === channel.payee
  );
}

/** The node's highest voucher in the channel (by amount), or undefined for none. */
function highestVoucher(snapshot: NodeSnapshot, channel: Channel): NodeVoucher | undefined {
  let highest: NodeVoucher | undefined;
  for (const voucher of snapshot.vouchers) if (inChannel(voucher, channel) && (!highest || voucher.cumulative > highest.cumulative)) highest = voucher;
  return highest;
}

/**
 * Every way the node's books and the coordinator's could disagree, as
 * sentences (empty when they agree). Called on a snapshot taken when the
 * node's highest voucher is the coordinator's latest.
 */
function bookProblems(snapshot: NodeSnapshot, ledger: LedgerView, channel: Channel): string[] {
  const problems: string[] = [];
  // (1) No voucher lost: the node holds the very voucher the coordinator signed last.
  const highest = highestVoucher(snapshot, channel);
  const held = highest?.cumulative ?? 0n;
  if (held !== ledger.signed) problems.push(`the node's highest voucher is ${held}, the coordinator signed ${ledger.signed}`);
  if ((highest?.signature ?? null) !== ledger.latestSignature) problems.push(`the node's highest voucher is not the coordinator's latest (${highest?.signature} vs ${ledger.latestSignature})`);
  for (const voucher of snapshot.vouchers) if (!inChannel(voucher, channel)) problems.push(`voucher ${voucher.id} is in another channel: ${JSON.stringify({ ...voucher, cumulative: String(voucher.cumulative) })}`);
  for (let i = 1; i < snapshot.vouchers.length; i++) {
    const [before, after] = [snapshot.vouchers[i - 1], snapshot.vouchers[i]];
    if (before && after && after.cumulative <= before.cumulative) problems.push(`voucher ${after.id} (${after.cumulative}) does not raise voucher ${before.id} (${before.cumulative})`);
  }

  // (2) Paid jobs add up to the voucher: none paid twice, none lost — and they are exactly the jobs the coordinator vouchered.
  const voucherIds = new Set(snapshot.vouchers.map((voucher) => voucher.id));
  let paidTotal = 0n;
  for (const job of snapshot.jobs.values()) {
    if (job.state !== 'paid') continue;
    paidTotal += job.price;
    if (job.voucherId === null || !voucherIds.has(job.voucherId)) problems.push(`paid job ${job.id} names no stored voucher (${job.voucherId})`);
    const there = ledger.jobs.get(job.id);
    if (!there || there.voucherId === null) problems.push(`job ${job.id} is paid on the node but no voucher of the coordinator pays it (${there?.state ?? 'unknown'})`);
    else if (there.price !== job.price) problems.push(`job ${job.id} is priced ${job.price} on the node, ${there.price} by the coordinator`);
  }
  if (paidTotal !== held) problems.push(`the node's paid jobs add up to ${paidTotal}, its highest voucher is ${held}`);
  for (const [id, job] of ledger.jobs) {
    if (job.voucherId !== null && snapshot.jobs.get(id)?.state !== 'paid') problems.push(`the coordinator vouchered job ${id}; the node has it ${snapshot.jobs.get(id)?.state ?? 'not at all'}`);
  }

  // (3) Credit only for work the node holds as done; nothing the node failed is credited; every job the node has was offered to it.
  for (const [id, job] of ledger.jobs) {
    const state = snapshot.jobs.get(id)?.state;
    if (job.credited && state !== 'succeeded' && state !== 'paid') problems.push(`the coordinator credited job ${id}; the node has it ${state ?? 'not at all'}`);
  }
  for (const job of snapshot.jobs.values()) {
    const there = ledger.jobs.get(job.id);
    if (!there) problems.push(`the node holds job ${job.id}, which the coordinator never offered it`);
    else if (job.state === 'failed' && there.credited) problems.push(`job ${job.id} failed on the node (${job.errorCode}) but the coordinator credited it`);
    else if (job.state === 'succeeded' && job.reportedAt !== null && !there.credited) problems.push(`job ${job.id}'s result was acknowledged but the coordinator did not credit it (${there.state})`);
  }
  return problems;
}

interface KillRecord {
  round: number;
  delayMs: number;
  /** Accepted or running when the node died. */
  inFlight: string[];
  /** Results stored but not acknowledged when the node died. */
  unreported: string[];
  /** What the coordinator had signed beyond the node's highest voucher when it died (a voucher on the wire or not yet stored). */
  voucherBehind: bigint;
  /** Vouchers the coordinator still waits for the node to acknowledge. */
  unackedVouchers: number;
  settledMs: number;
}

it(
  `survives ${ROUNDS} SIGKILLs while earning with exactly-once accounting (seed ${SEED})`,
  async () => {
    console.log(`kill test: seed ${SEED} (HEARTH_KILL_SEED=${SEED} repeats the kill moments), ${ROUNDS} rounds`);
    const random = mulberry32(SEED);
    const started = performance.now();

    const coordinatorErrors: string[] = [];
    const network = await startStandaloneNetwork({
      dataDir: tempDir('hearth-kill-network-'),
      rate: 30,
      mix: { tensor: 8, embedding: 2, ocr: 0 },
      voucherIntervalMs: 200,
      logger: (level, message) => {
        if (level === 'error') coordinatorErrors.push(message);
      },
    });
    let node: NodeProcess | undefined;
    const nodeErrors: string[] = [];
    onTestFinished(async () => {
      if (node && node.child.exitCode === null && node.child.signalCode === null) {
        node.child.kill('SIGKILL');
        await node.exited;
      }
      await network.close();
    });

    const dataDir = tempDir('hearth-kill-node-');
    const dbFile = join(dataDir, DATABASE_FILE);
    configureNodeFor(dataDir, network);
    const { manifest } = network.coordinator;

    // The node's own errors (not warnings: a dropped connection is expected here) would be bugs a kill exposed.
    const errorsOf = (ended: NodeProcess): string[] => ended.stderr().split('\n').filter((line) => /^\S+ error /.test(line));
    const spawnNode = async (): Promise<NodeProcess> => {
      const spawned = await spawnHeadlessNode(dataDir);
      void spawned.exited.then(() => nodeErrors.push(...errorsOf(spawned)));
      return spawned;
    };

    const channel: Channel = {
      chainId: manifest.chainId,
      escrow: manifest.escrow.toLowerCase(),
      payer: manifest.payer.toLowerCase(),
      token: manifest.token.address.toLowerCase(),
      payee: '', // the wallet's, once it is made
    };

    /**
     * Waits until the node is logged in with its payee, holds the
     * coordinator's latest voucher, and has reported every job in
     * `mustReport`; then checks the books on that very snapshot.
     */
    const settle = async (running: NodeProcess, mustReport: readonly string[], what: string): Promise<NodeSnapshot> => {
      const deadline = performance.now() + SETTLE_TIMEOUT_MS;
      let last: string;
      for (;;) {
        const status = await running.call<NetworkStatus>('network.status');
        if (status.state === 'connected' && status.payee?.toLowerCase() === channel.payee && status.nodeAddress) {
          // One synchronous block: the ledger cannot change under it, and the node can only move toward it.
          const ledger = readLedger(network, channel, status.nodeAddress);
          const snapshot = readNodeDb(dbFile, false);
          const held = highestVoucher(snapshot, channel)?.cumulative ?? 0n;
          const unreported = mustReport.filter((id) => (snapshot.jobs.get(id)?.reportedAt ?? null) === null);
          if (held === ledger.signed && ledger.signed > 0n && unreported.length === 0) {
            const problems = bookProblems(snapshot, ledger, channel);
            expect(problems, `${what}: the books disagree`).toEqual([]);
            const invariants = network.coordinator.ledger.invariantProblems();
            expect(invariants, `${what}: the coordinator's ledger`).toEqual([]);
            expect(network.coordinator.ledger.jobsPaidMoreThanOnce(), `${what}: jobs paid more than once`).toBe(0);
            return snapshot;
          }
          last = `node holds ${held}, coordinator signed ${ledger.signed}; ${unreported.length} of ${mustReport.length} cut-short jobs not yet reported (${unreported.slice(0, 3).join(', ')})`;
        } else {
          last = `network status ${status.state} (${status.lastError ?? 'no error'}), payee ${status.payee}`;
        }
        if (performance.now() > deadline) {
          throw new Error(`${what}: the node did not settle within ${SETTLE_TIMEOUT_MS / 1000} s: ${last}\nnode stderr:\n${running.stderr().slice(-3000)}`);
        }
        await sleep(POLL_MS);
      }
    };

    const waitUntilEarning = async (running: NodeProcess, what: string): Promise<void> => {
      const before = (await running.call<JobsSummary>('jobs.summary')).completed;
      const deadline = performance.now() + EARNING_TIMEOUT_MS;
      while ((await running.call<JobsSummary>('jobs.summary')).completed <= before) {
        if (performance.now() > deadline) throw new Error(`${what}: the node completed no job within ${EARNING_TIMEOUT_MS / 1000} s\nnode stderr:\n${running.stderr().slice(-3000)}`);
        await sleep(POLL_MS);
      }
    };

    // The wallet is made while the node earns (credit without a payee until then), as a new user would.
    node = await spawnNode();
    await waitUntilEarning(node, 'before the wallet');
    const wallet = await node.call<WalletStatus>('wallet.create', { passphrase: 'kill-test passphrase', words: 12 });
    expect(wallet.address).toMatch(/^0x[0-9a-fA-F]{40}$/);
    channel.payee = (wallet.address ?? '').toLowerCase();
    await settle(node, [], 'before the first kill');
    // The node key is made on the first start and kept: the coordinator knows the node by it across restarts.
    const nodeAddress = (await node.call<NetworkStatus>('network.status')).nodeAddress ?? '';
    const kills: KillRecord[] = [];

    for (let round = 1; round <= ROUNDS; round++) {
      const running: NodeProcess = node;
      await waitUntilEarning(running, `round ${round}`);
      // Half the kills soon after a job completed (accept, run, result), half later (anywhere, voucher storage included).
      const delayMs = Math.round(random.next() < 0.5 ? 50 + random.next() * 450 : 500 + random.next() * 2500);
      await sleep(delayMs);
      running.child.kill('SIGKILL');
      const exit = await running.exited;
      expect(exit, `round ${round}: the node ended by the kill, not on its own`).toEqual({ code: null, signal: 'SIGKILL' });

      // (5) The kill left a database SQLite calls intact.
      const ledgerAtKill = readLedger(network, channel, nodeAddress);
      const atKill = readNodeDb(dbFile, true);
      expect(atKill.integrity, `round ${round}: integrity_check after the kill`).toEqual(['ok']);
      expect(atKill.foreignKeyProblems, `round ${round}: foreign_key_check after the kill`).toBe(0);
      const inFlight = [...atKill.jobs.values()].filter((job) => job.state === 'accepted' || job.state === 'running').map((job) => job.id);
      const unreported = [...atKill.jobs.values()].filter((job) => job.state === 'succeeded' && job.reportedAt === null).map((job) => job.id);
      const heldAtKill = highestVoucher(atKill, channel)?.cumulative ?? 0n;

      const restartedAt = performance.now();
      node = await spawnNode();
      const settled = await settle(node, [...inFlight, ...unreported], `round ${round}`);
      const settledMs = Math.round(performance.now() - restartedAt);

      // (4) Jobs the kill cut short are failed `interrupted`, reported, and never credited.
      const ledgerNow = network.coordinator.ledger;
      for (const id of inFlight) {
        const job = settled.jobs.get(id);
        expect(job?.state, `round ${round}: job ${id} was in flight at the kill`).toBe('failed');
        expect(job?.errorCode, `round ${round}: job ${id}'s failure`).toBe('interrupted');
        expect(job?.reportedAt, `round ${round}: job ${id} reported`).not.toBeNull();
        const there = ledgerNow.job(id as `0x${string}`);
        expect(there, `round ${round}: job ${id} in the coordinator's ledger`).toBeDefined();
        // The coordinator heard of the failure (or the job had expired): its books end the job unpaid.
        expect(['failed', 'expired'], `round ${round}: interrupted job ${id} in the coordinator's ledger`).toContain(there?.state);
        expect(there?.credited, `round ${round}: interrupted job ${id} credited`).toBe(false);
        expect(there?.voucherId ?? null, `round ${round}: interrupted job ${id} vouchered`).toBeNull();
      }
      // Results stored before the kill but never acknowledged are sent again and credited (or refused for good) — not lost.
      for (const id of unreported) {
        const job = settled.jobs.get(id);
        expect(['succeeded', 'paid', 'failed'], `round ${round}: unreported result ${id}`).toContain(job?.state);
        expect(ledgerNow.job(id as `0x${string}`)?.credited, `round ${round}: result ${id} sent again after the kill`).toBe(job?.state !== 'failed');
      }

      kills.push({ round, delayMs, inFlight, unreported, voucherBehind: ledgerAtKill.signed - heldAtKill, unackedVouchers: ledgerAtKill.unackedVouchers, settledMs });
      console.log(
        `round ${String(round).padStart(2)}: killed ${String(delayMs).padStart(4)} ms after earning; in flight ${inFlight.length}, unreported results ${unreported.length}, ` +
          `voucher behind by ${ledgerAtKill.signed - heldAtKill}, unacked vouchers ${ledgerAtKill.unackedVouchers}; settled ${settledMs} ms after the restart`,
      );
    }

    const final = readNodeDb(dbFile, true);
    expect(final.integrity).toEqual(['ok']);
    const paid = [...final.jobs.values()].filter((job) => job.state === 'paid').length;
    const counts = network.coordinator.ledger.countsByState();
    console.log(
      `kill test: ${kills.length} kills in ${Math.round((performance.now() - started) / 1000)} s (seed ${SEED}); node jobs ${final.jobs.size}, paid ${paid}, ` +
        `vouchers ${final.vouchers.length}, cumulative ${highestVoucher(final, channel)?.cumulative ?? 0n}; ledger ${JSON.stringify(counts)}; ` +
        `kills with jobs in flight ${kills.filter((kill) => kill.inFlight.length > 0).length}, with unreported results ${kills.filter((kill) => kill.unreported.length > 0).length}, ` +
        `with a voucher not yet stored ${kills.filter((kill) => kill.voucherBehind > 0n).length}, with unacked vouchers ${kills.filter((kill) => kill.unackedVouchers > 0).length}`,
    );
    expect(kills).toHaveLength(ROUNDS);
    // The kills must have cut jobs short, or (4) proved nothing.
    expect(kills.some((kill) => kill.inFlight.length > 0), 'no kill found a job in flight').toBe(true);
    // A kill (or the wallet created mid-job) must never cost the node a right result.
    const refused = network.coordinator.ledger.db.prepare<[], { id: string; detail: string | null }>("SELECT id, detail FROM jobs WHERE state = 'rejected'").all();
    expect(refused, 'results the coordinator refused').toEqual([]);
    expect(coordinatorErrors, "the coordinator's errors").toEqual([]);
    expect([...nodeErrors, ...errorsOf(node)], "the node's errors").toEqual([]);
  },
  600_000,
);
