// Network benchmarks (npm run bench; alone: node tests/bench/run.ts network):
// - end-to-end throughput: jobs per second through coordinator → headless node
//   → worker → result check → voucher, for small tensor jobs and for OCR pages,
//   each as a ratio to the same worker (the node's budget: threads, provider)
//   doing the same demo-workload jobs alone, as many in flight as the node keeps.
// - the node's resident memory (its main process, never the worker's): idle
//   once its models are fetched, every 5,000 jobs over 50,000 small tensor
//   jobs with the slope per 10,000 jobs, and idle again at the end.
// The network (chain, RPC, coordinator, workload) runs in this process and the
// node in a child process, as a user of a small network runs them: the built
// bundle `npm run headless` runs (built first, here), with its V8 flags read
// from package.json. Not from source: Node's TypeScript stripping alone adds
// ~19 MB to a process's resident memory, which no user's node carries.
// The machine is shared: each window prints where the CPU went, other
// processes included, and the load average.
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { generatePrivateKey } from 'viem/accounts';
import type { RunningNetwork } from '../../main/devnet/coordinator/cli.ts';
import { createDemoWorkload, type MixKind } from '../../main/devnet/workload/index.ts';
import { silentLogger } from '../../main/node/log.ts';
import { NETWORK_CAPACITY } from '../../main/node/network.ts';
import { createWorkerSupervisor, workerConfig } from '../../main/node/worker.ts';
import { budgetFor } from '../../main/policy/budget.ts';
import type { WorkerSupervisor } from '../../main/worker/supervisor.ts';
import type { JobsSummary } from '../../shared/jobs.ts';
import { defaultLimits } from '../../shared/limits.ts';
import type { PolicyStatus } from '../../shared/policy.ts';
import { workerInputs } from '../../shared/protocol/results.ts';
import type { WorkerStatus } from '../../shared/worker.ts';
import { configureNodeFor, shippedHeadlessFlags, spawnHeadlessNode, startStandaloneNetwork, type NodeProcess } from '../helpers/remote-node.ts';
import { percentile } from './stats.ts';

type Kind = 'tensor' | 'ocr';
type Print = (line: string) => void;

const WINDOW_MS: Readonly<Record<Kind, number>> = { tensor: 25_000, ocr: 30_000 };
/** Jobs done before a window opens: models fetched, sessions loaded, JIT warm. */
const WARM_JOBS: Readonly<Record<Kind, number>> = { tensor: 300, ocr: 6 };
const MIXES: Readonly<Record<Kind, Record<MixKind, number>>> = { tensor: { tensor: 1, embedding: 0, ocr: 0 }, ocr: { ocr: 1, tensor: 0, embedding: 0 } };
const MEMORY_JOBS = 50_000;
const MEMORY_SAMPLE_EVERY = 5_000;
/** How long the node sits paused before its idle RSS is read. */
const IDLE_SETTLE_MS = 3000;
const PASSPHRASE = 'bench passphrase 1';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const digits = (kind: Kind): number => (kind === 'ocr' ? 2 : 0);

/** VmRSS of one process (not its children), MB. */
function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return Number(match?.[1] ?? 0) / 1024;
}

/** CPU seconds (user + system, all threads) a process has used; 0 once it is gone. */
function cpuSeconds(pid: number | null): number {
  if (pid === null) return 0;
  try {
    // After "pid (comm) " the fields start at state (field 3): utime and stime (fields 14, 15) are 11 and 12 here.
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return 0;
  }
}

/** The machine's busy and total CPU seconds so far, all cores (/proc/stat). */
function machineSeconds(): { busy: number; total: number } {
  const values = (readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '').trim().split(/\s+/).slice(1).map(Number);
  const total = values.reduce((sum, value) => sum + value, 0);
  const idle = (values[3] ?? 0) + (values[4] ?? 0);
  return { busy: (total - idle) / 100, total: total / 100 };
}

const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

interface CpuUse {
  /** CPU seconds per named process over the window. */
  used: Record<string, number>;
  /** "CPU (…): name N%, …, everything else N%; load average …" */
  line: string;
}

/** From now until the returned function is called: each named process's CPU, and everything else on the machine. */
function cpuMeter(pids: Record<string, number | null>): () => CpuUse {
  const sample = () => ({ wall: performance.now(), machine: machineSeconds(), own: Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid)])) });
  const start = sample();
  return () => {
    const end = sample();
    const seconds = (end.wall - start.wall) / 1000;
    const used: Record<string, number> = {};
    for (const [name, before] of Object.entries(start.own)) used[name] = Math.max(0, (end.own[name] ?? before) - before);
    const ours = Object.values(used).reduce((sum, value) => sum + value, 0);
    const others = Math.max(0, end.machine.busy - start.machine.busy - ours);
    const cores = (end.machine.total - start.machine.total) / seconds;
    const share = (cpu: number): string => `${((cpu / seconds) * 100).toFixed(0)}%`;
    const parts = [...Object.entries(used).map(([name, cpu]) => `${name} ${share(cpu)}`), `everything else ${share(others)}`];
    return { used, line: `CPU (100% = one core of ${cores.toFixed(1)}): ${parts.join(', ')}; load average ${loadavg()}` };
  };
}

/** The budget a headless node with the default limits gives its worker on this machine (main/policy/budget.ts). */
function defaultBudget() {
  return budgetFor(defaultLimits, availableParallelism());
}

// ---- the worker alone ------------------------------------------------------------------------

type WorkerJob = (worker: WorkerSupervisor) => Promise<unknown>;

/** The demo workload's jobs of one kind (its default seed: the network's jobs), decoded for the worker once. */
async function demoJobs(kind: Kind, count: number): Promise<WorkerJob[]> {
  const workload = await createDemoWorkload({ mix: MIXES[kind] });
  const jobs: WorkerJob[] = [];
  for (let i = 0; i < count; i++) {
    const job = workload.next();
    const inputs = workerInputs(job.inputs);
    const model = { modelSha256: job.model.sha256, modelBytes: () => job.model.bytes, deadlineMs: job.deadlineMs };
    if (inputs.task === 'tensor') jobs.push((worker) => worker.run({ ...model, inputs: inputs.inputs }));
    else if (inputs.task === 'ocr') jobs.push((worker) => worker.runOcr({ ...model, image: inputs.image }));
    else jobs.push((worker) => worker.runEmbedding({ ...model, texts: inputs.texts }));
  }
  return jobs;
}

/** Jobs per second of the node's worker (as main/node/worker.ts makes it) alone, NETWORK_CAPACITY in flight, after a warm-up. */
async function workerAlone(kind: Kind, print: Print): Promise<number> {
  const jobs = await demoJobs(kind, kind === 'tensor' ? 2000 : 200);
  const worker = createWorkerSupervisor({ onEvent: () => undefined, logger: silentLogger, budget: defaultBudget });
  try {
    let next = 0;
    const take = (): WorkerJob => {
      const job = jobs[next++ % jobs.length];
      if (!job) throw new Error('the demo workload made no jobs');
      return job;
    };
    for (let i = 0; i < WARM_JOBS[kind]; i++) await take()(worker);
    const cpu = cpuMeter({ 'bench process': process.pid, worker: worker.status().pid ?? null });
    let done = 0;
    const start = performance.now();
    const stopAt = start + WINDOW_MS[kind];
    await Promise.all(
      Array.from({ length: NETWORK_CAPACITY }, async () => {
        while (performance.now() < stopAt) {
          await take()(worker);
          done++;
        }
      }),
    );
    const seconds = (performance.now() - start) / 1000;
    const perSecond = done / seconds;
    print(`  worker alone, ${kind}: ${done} jobs in ${seconds.toFixed(1)} s, ${NETWORK_CAPACITY} in flight → ${perSecond.toFixed(digits(kind))} jobs/s`);
    print(`    ${cpu().line}`);
    return perSecond;
  } finally {
    worker.stop();
  }
}

// ---- through the network -----------------------------------------------------------------------

interface NodeOnNetwork {
  network: RunningNetwork;
  node: NodeProcess;
  /** Results the coordinator checked and credited, since it started. */
  succeeded(): number;
  workerPid(): Promise<number | null>;
  close(): Promise<void>;
}

async function nodeOnNetwork(dir: string, kind: Kind): Promise<NodeOnNetwork> {
  const network = await startStandaloneNetwork({ dataDir: join(dir, `network-${kind}`), rate: 'max', mix: MIXES[kind] });
  let node: NodeProcess | undefined;
  try {
    const nodeDir = join(dir, `node-${kind}`);
    configureNodeFor(nodeDir, network);
    node = await spawnHeadlessNode(nodeDir, { entry: 'built' });
    // A payee, so the coordinator makes out vouchers (without one it credits results but pays nobody).
    await node.call('wallet.importKey', { privateKey: generatePrivateKey(), passphrase: PASSPHRASE });
    const running = node;
    return {
      network,
      node: running,
      succeeded: () => network.coordinator.stats().jobs.succeeded,
      workerPid: async () => (await running.call<WorkerStatus>('worker.status')).pid,
      async close() {
        running.child.kill('SIGTERM');
        await Promise.race([running.exited, sleep(10_000)]);
        if (running.child.exitCode === null && running.child.signalCode === null) running.child.kill('SIGKILL');
        await network.close();
      },
    };
  } catch (error) {
    node?.child.kill('SIGKILL');
    await network.close();
    throw error;
  }
}

/** Waits until the coordinator has credited `count` results; fails if the node exits or nothing moves for a minute. */
async function untilSucceeded(setup: NodeOnNetwork, count: number, onTick?: () => void): Promise<void> {
  let last = setup.succeeded();
  let movedAt = performance.now();
  while (setup.succeeded() < count) {
    await sleep(100);
    onTick?.();
    const { child } = setup.node;
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the node exited: ${setup.node.stderr().slice(-2000)}`);
    const now = setup.succeeded();
    if (now !== last) [last, movedAt] = [now, performance.now()];
    else if (performance.now() - movedAt > 60_000) {
      const { jobs, queued, inFlight } = setup.network.coordinator.stats();
      throw new Error(`no result credited for a minute (at ${now}; coordinator ${JSON.stringify({ jobs, queued, inFlight })}): ${setup.node.stderr().slice(-2000)}`);
    }
  }
}

/** How far the node's stored vouchers trail what it earned. */
function voucherLine(summary: JobsSummary, perSecond: number): string {
  const earned = BigInt(summary.earned);
  const vouchered = BigInt(summary.vouchered);
  const perJob = summary.completed > 0 ? Number(earned) / summary.completed : 0;
  const behind = perJob > 0 ? Number(earned - vouchered) / perJob : 0;
  const share = earned > 0n ? (Number(vouchered) / Number(earned)) * 100 : 100;
  return `vouchers: the node holds vouchers for ${vouchered} of the ${earned} base units it earned over ${summary.completed} jobs (${share.toFixed(2)}%; ~${behind.toFixed(0)} jobs ≈ ${(behind / Math.max(perSecond, 1e-9)).toFixed(1)} s of work behind)`;
}

/** Jobs per second the coordinator credits over the window; where the CPU went per job; how far vouchers trail. */
async function endToEnd(setup: NodeOnNetwork, kind: Kind, print: Print): Promise<number> {
  const cpu = cpuMeter({ 'bench process (chain, coordinator, workload)': process.pid, 'node main': setup.node.pid, worker: await setup.workerPid() });
  const before = setup.network.coordinator.stats().jobs;
  const start = performance.now();
  await sleep(WINDOW_MS[kind]);
  const done = setup.succeeded() - before.succeeded;
  const seconds = (performance.now() - start) / 1000;
  const use = cpu();
  const after = setup.network.coordinator.stats().jobs;
  const summary = await setup.node.call<JobsSummary>('jobs.summary');
  const perSecond = done / seconds;
  print(`  through the network, ${kind}: ${done} jobs credited in ${seconds.toFixed(1)} s → ${perSecond.toFixed(digits(kind))} jobs/s (meanwhile failed ${after.failed - before.failed}, rejected ${after.rejected - before.rejected}, expired ${after.expired - before.expired})`);
  print(`    ${use.line}`);
  const perJob = Object.entries(use.used).map(([name, cpuSeconds]) => `${name.split(' (')[0]} ${((cpuSeconds / Math.max(1, done)) * 1000).toFixed(2)}`);
  print(`    CPU ms per job: ${perJob.join(', ')}`);
  print(`    ${voucherLine(summary, perSecond)}`);
  return perSecond;
}

// ---- memory -------------------------------------------------------------------------------------

/** Least-squares slope of y over x. */
function slope(points: readonly (readonly [number, number])[]): number {
  const n = points.length;
  const mx = points.reduce((sum, [x]) => sum + x, 0) / n;
  const my = points.reduce((sum, [, y]) => sum + y, 0) / n;
  const sxy = points.reduce((sum, [x, y]) => sum + (x - mx) * (y - my), 0);
  const sxx = points.reduce((sum, [x]) => sum + (x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

/** The node's main-process RSS after sitting paused (nothing in flight, its worker released); it is resumed after. */
async function idleRss(setup: NodeOnNetwork): Promise<number> {
  await setup.node.call('node.pause');
  await sleep(IDLE_SETTLE_MS);
  const rss = rssMb(setup.node.pid);
  await setup.node.call('node.resume');
  return rss;
}

const mb = (value: number): string => value.toFixed(0);
const signed = (value: number): string => `${value >= 0 ? '+' : ''}${value.toFixed(1)}`;

/**
 * MEMORY_JOBS small tensor jobs at rate max; the RSS read every 100 ms, shown
 * per MEMORY_SAMPLE_EVERY jobs as the value at the mark and the interval's
 * median and range (V8's young generation grows and shrinks by tens of MB, so
 * the trend is fitted to the medians), then idle again.
 */
async function memory(setup: NodeOnNetwork, idleBefore: number, perSecond: number, print: Print): Promise<string> {
  const first = setup.succeeded();
  print(`  memory: ${MEMORY_JOBS.toLocaleString('en')} more small tensor jobs at rate max; at ${perSecond.toFixed(0)} jobs/s about ${(MEMORY_JOBS / perSecond / 60).toFixed(1)} min`);
  const cpu = cpuMeter({ 'bench process (chain, coordinator, workload)': process.pid, 'node main': setup.node.pid, worker: await setup.workerPid() });
  const start = performance.now();
  const medians: [number, number][] = [];
  let atMark = 0;
  let peak = 0;
  for (let jobs = MEMORY_SAMPLE_EVERY; jobs <= MEMORY_JOBS; jobs += MEMORY_SAMPLE_EVERY) {
    const readings: number[] = [];
    await untilSucceeded(setup, first + jobs, () => readings.push(rssMb(setup.node.pid)));
    atMark = rssMb(setup.node.pid);
    readings.push(atMark);
    peak = Math.max(peak, ...readings);
    const median = percentile(readings, 50);
    medians.push([jobs, median]);
    const seconds = (performance.now() - start) / 1000;
    print(
      `    ${jobs.toLocaleString('en').padStart(6)} jobs ${seconds.toFixed(0).padStart(5)} s ${(jobs / seconds).toFixed(0).padStart(4)} jobs/s · node main RSS ${atMark.toFixed(1)} MB (interval median ${median.toFixed(1)}, ${Math.min(...readings).toFixed(0)}–${Math.max(...readings).toFixed(0)})`,
    );
  }
  const seconds = (performance.now() - start) / 1000;
  const use = cpu();
  const summary = await setup.node.call<JobsSummary>('jobs.summary');
  const idleAfter = await idleRss(setup);
  const perTenK = slope(medians) * 10_000;
  const firstHalf = slope(medians.slice(0, Math.ceil(medians.length / 2))) * 10_000;
  const secondHalf = slope(medians.slice(Math.floor(medians.length / 2))) * 10_000;
  print(`    ${use.line}`);
  print(`    ${voucherLine(summary, MEMORY_JOBS / seconds)}`);
  print(`    interval medians (MB): ${medians.map(([, rss]) => mb(rss)).join(', ')}; slope ${signed(perTenK)} MB per 10,000 jobs (first half ${signed(firstHalf)}, second half ${signed(secondHalf)}); peak ${mb(peak)} MB`);
  print(`    node main RSS idle (paused ${IDLE_SETTLE_MS / 1000} s): ${idleBefore.toFixed(1)} MB before, ${idleAfter.toFixed(1)} MB after ${MEMORY_JOBS.toLocaleString('en')} jobs`);
  return `node main RSS: idle ${mb(idleBefore)} MB; after ${MEMORY_JOBS.toLocaleString('en')} jobs ${mb(atMark)} MB running, ${mb(idleAfter)} MB idle (peak ${mb(peak)} MB; target ≤ 150 MB); trend ${signed(perTenK)} MB / 10,000 jobs, ${signed(secondHalf)} over the second half (target: no growth)`;
}

// ---- the whole --------------------------------------------------------------------------------

export async function benchNetwork(dir: string, print: Print): Promise<string[]> {
  const results: string[] = [];
  // The main-process bundles as `npm run build` makes them: the node runs as shipped.
  await build({ configFile: join(import.meta.dirname, '..', '..', 'vite.config.ts'), mode: 'main', logLevel: 'warn' });
  print(`  node: dist/main/headless.js (just built), node ${shippedHeadlessFlags().join(' ')} as in npm run headless`);
  const config = workerConfig(defaultBudget(), availableParallelism());
  print(`  machine: ${availableParallelism()} logical CPUs, load average ${loadavg()} at the start`);
  print(`  worker budget (default limits, as the node computes it): ${config.intraOpThreads} intra-op thread(s), provider ${config.executionProvider}; the baseline's worker is made the same way; ${NETWORK_CAPACITY} jobs in flight on both sides`);

  for (const kind of ['ocr', 'tensor'] as const) {
    const alone = await workerAlone(kind, print);
    const setup = await nodeOnNetwork(dir, kind);
    try {
      const { threads } = (await setup.node.call<PolicyStatus>('policy.status')).budget;
      if (threads !== config.intraOpThreads) print(`  ! the node's worker has ${threads} threads, the baseline's ${config.intraOpThreads}: not like for like`);
      const warmStart = performance.now();
      await untilSucceeded(setup, WARM_JOBS[kind]);
      print(`  warm-up: node start → ${WARM_JOBS[kind]} jobs credited (model download and load included) in ${((performance.now() - warmStart) / 1000).toFixed(1)} s`);
      let idle = 0;
      if (kind === 'tensor') {
        idle = await idleRss(setup);
        print(`  node main RSS idle (paused ${IDLE_SETTLE_MS / 1000} s, models fetched, ${setup.succeeded()} jobs done): ${idle.toFixed(1)} MB`);
        await untilSucceeded(setup, setup.succeeded() + WARM_JOBS[kind]); // a pause stops the worker: warm it again
      }
      const e2e = await endToEnd(setup, kind, print);
      const target = kind === 'ocr' ? ' (target ≥ 0.9)' : '';
      results.push(`network/worker-alone throughput, ${kind}: ${(e2e / alone).toFixed(2)}${target} — ${e2e.toFixed(digits(kind))} vs ${alone.toFixed(digits(kind))} jobs/s, ${threads} worker thread(s) each`);
      if (kind === 'tensor') results.push(await memory(setup, idle, e2e, print));
    } finally {
      await setup.close();
    }
  }
  return results;
}
