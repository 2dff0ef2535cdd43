// `npm run bench`: Hearth's benchmarks. Each prints a ratio against a baseline
// measured in the same run on the same machine, never an absolute target.
//
// Foundation benchmarks:
// - store: recording a finished job through JobsRepository (synchronous=FULL,
//   CHECKed TEXT money, prepared statements) vs a bare better-sqlite3 INSERT of
//   the same row into an unconstrained table with synchronous=NORMAL — the
//   price of our durability and validation per job.
// - worker: see tests/bench/worker.ts.
// - payments: voucher verification and claim latency, see tests/bench/payments.ts.
// - policy: a game start → worker released, and the cost of detection, see tests/bench/policy.ts.
// - api: a contract call over headless HTTP (token check, zod decode/encode)
//   vs a bare node:http server answering the same JSON — the price of the
//   contract binding per call.
// - network: jobs through coordinator → node → worker → voucher vs the worker
//   alone, and the node's memory over 50,000 jobs, see tests/bench/network.ts.
//
// `node tests/bench/run.ts network worker` runs only the sections named.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { runHeadless } from '../../main/headless/run.ts';
import { silentLogger } from '../../main/node/log.ts';
import { Store } from '../../main/store/index.ts';
import { benchNetwork } from './network.ts';
import { benchPayments } from './payments.ts';
import { benchPolicy } from './policy.ts';
import { benchWorker } from './worker.ts';

const SECTIONS = ['store', 'api', 'payments', 'policy', 'worker', 'network'] as const;
const chosen = process.argv.slice(2);
for (const name of chosen) {
  if (!(SECTIONS as readonly string[]).includes(name)) {
    console.error(`unknown bench section "${name}"; the sections: ${SECTIONS.join(', ')}`);
    process.exit(2);
  }
}
const wanted = (name: (typeof SECTIONS)[number]): boolean => chosen.length === 0 || chosen.includes(name);

const dir = mkdtempSync(join(tmpdir(), 'hearth-bench-'));
const results: string[] = [];

function rate(label: string, count: number, ms: number): number {
  const perSecond = (count / ms) * 1000;
  console.log(`  ${label.padEnd(58)} ${perSecond.toFixed(0).padStart(9)} /s`);
  return perSecond;
}

async function time(fn: () => unknown): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

// ---- store -------------------------------------------------------------
if (wanted('store')) {
  const N = 3000;
  console.log(`store: ${N} finished jobs, one transaction each`);
  const raw = new BetterSqlite3(join(dir, 'raw.db'));
  raw.pragma('journal_mode = WAL');
  raw.pragma('synchronous = NORMAL');
  raw.exec('CREATE TABLE jobs (id TEXT PRIMARY KEY, task TEXT, price TEXT, state TEXT, result TEXT)');
  const insert = raw.prepare("INSERT INTO jobs VALUES (?, 'tensor', ?, 'succeeded', 'h')");
  const baseline = rate('baseline: bare INSERT (synchronous=NORMAL)', N, await time(() => {
    for (let i = 0; i < N; i++) raw.transaction(() => insert.run(`j${i}`, String(10n ** 20n + BigInt(i))))();
  }));
  raw.close();

  const recordJobs = (store: Store) => () => {
    for (let i = 0; i < N; i++) {
      store.db.transaction(() => {
        store.jobs.insertAccepted({ id: `j${i}`, coordinator: 'ws://local', task: 'tensor', modelId: 'scale', modelSha256: 'a'.repeat(64), price: 10n ** 20n + BigInt(i), acceptedAt: i, deadlineAt: i + 1 });
        store.jobs.markSucceeded(`j${i}`, i, 'h', 'cpu');
      })();
    }
  };
  // The same repository with the fsync per commit switched off: what the validation alone costs.
  const relaxed = Store.open(join(dir, 'relaxed.db'));
  relaxed.db.pragma('synchronous = NORMAL');
  const validation = rate('hearth repository, synchronous=NORMAL (validation only)', N, await time(recordJobs(relaxed)));
  relaxed.close();
  const store = Store.open(join(dir, 'hearth.db'));
  const hearth = rate('hearth: JobsRepository accept + succeed (synchronous=FULL)', N, await time(recordJobs(store)));
  store.close();
  results.push(`store: hearth/baseline = ${(hearth / baseline).toFixed(2)} (validation alone: ${(validation / baseline).toFixed(2)}; the rest is one fsync per commit)`);
}

// ---- api ---------------------------------------------------------------
if (wanted('api')) {
  const N = 2000;
  console.log(`api: ${N} sequential calls over loopback HTTP`);
  const body = JSON.stringify({ ok: true, value: { state: 'running', reason: 'Ready to take work', since: 1, pausedUntil: null, version: '0.1.0', dataDir: '/d', nodeName: 'n' } });
  const bare = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(body));
  });
  await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
  const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/api/node.status`;
  const call = (url: string, token: string) => fetch(url, { method: 'POST', headers: { authorization: `Bearer ${token}` } }).then((r) => r.json());
  for (let i = 0; i < 200; i++) await call(bareUrl, 'x'); // warm-up
  const baseline = rate('baseline: bare node:http JSON reply', N, await time(async () => {
    for (let i = 0; i < N; i++) await call(bareUrl, 'x');
  }));
  bare.close();

  const running = await runHeadless({ dataDir: join(dir, 'node'), host: '127.0.0.1', port: 0, logger: silentLogger });
  await running.node.startPayments(); // the embedded chain starts in the background: not during the measurement
  const url = `${running.server.origin}/api/node.status`;
  for (let i = 0; i < 200; i++) await call(url, running.token);
  const hearth = rate('hearth: node.status through the contract binding', N, await time(async () => {
    for (let i = 0; i < N; i++) await call(url, running.token);
  }));
  await running.close();
  results.push(`api: hearth/baseline = ${(hearth / baseline).toFixed(2)}`);
}

if (wanted('payments')) {
  console.log('payments: vouchers and claims (see tests/bench/payments.ts)');
  results.push(...(await benchPayments(dir, (line) => console.log(line))));
}

if (wanted('policy')) {
  console.log('policy: contribution limits (see tests/bench/policy.ts)');
  results.push(...(await benchPolicy((line) => console.log(line))));
}

if (wanted('worker')) {
  console.log('worker: the supervised, sandboxed inference worker');
  results.push(...(await benchWorker((line) => console.log(line))));
}

if (wanted('network')) {
  console.log('network: coordinator → node → worker → voucher, and the node\'s memory (see tests/bench/network.ts)');
  results.push(...(await benchNetwork(dir, (line) => console.log(line))));
}

rmSync(dir, { recursive: true, force: true });
console.log('\nratios (throughput, higher is better; 1.00 = as fast as the baseline):');
for (const line of results) console.log(`  ${line}`);
