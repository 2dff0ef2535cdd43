/**
 * A network in this process (chain + JSON-RPC + coordinator + demo workload,
 * as `npm run coordinator` runs it) and a headless node in a child process
 * working for it, as a user of a small network would run them. For the kill
 * test (the node is SIGKILLed, the network stays) and the benchmark (the
 * node's own memory, without the network's).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runNetwork, type RunningNetwork } from '../../main/devnet/coordinator/cli.ts';
import type { Logger } from '../../main/devnet/coordinator/context.ts';
import type { Rate } from '../../main/devnet/coordinator/rate.ts';
import { TOKEN_FILE } from '../../main/headless/token.ts';
import { ensureDataDir } from '../../main/node/data-dir.ts';
import { Store } from '../../main/store/index.ts';
import type { TaskKind } from '../../shared/jobs.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const HEADLESS_SOURCE = join(ROOT, 'main', 'headless', 'index.ts');
/** What `npm run headless` runs (after `npm run build`): the bench measures memory on this one, as shipped. */
export const HEADLESS_BUILT = join(ROOT, 'dist', 'main', 'headless.js');

/**
 * The V8 flags `npm run headless` starts node with, read from package.json so
 * what is measured and tested is what ships: `node <flags> dist/main/headless.js`.
 */
export function shippedHeadlessFlags(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const match = /\bnode((?: --[\w-]+(?:=\S+)?)*) dist\/main\/headless\.js\b/.exec(scripts.headless ?? '');
  if (!match) throw new Error(`package.json's headless script does not run "node <flags> dist/main/headless.js": ${scripts.headless}`);
  return (match[1] ?? '').trim().split(' ').filter(Boolean);
}

export async function startStandaloneNetwork(options: {
  dataDir: string;
  rate: Rate;
  mix?: Partial<Record<TaskKind, number>>;
  voucherIntervalMs?: number;
  logger?: Logger;
}): Promise<RunningNetwork> {
  return runNetwork(
    {
      dataDir: options.dataDir,
      host: '127.0.0.1',
      port: 0,
      publicUrl: undefined,
      seed: undefined,
      rpcPort: 0,
      rate: options.rate,
      mix: { tensor: 6, embedding: 3, ocr: 1, ...options.mix },
      voucherIntervalMs: options.voucherIntervalMs ?? 1000,
    },
    options.logger ?? (() => undefined),
  );
}

/**
 * Points a node's data dir at the network before its first start, as the
 * user does in Settings → Network and Settings → Payments (custom chain: the
 * network's RPC).
 */
export function configureNodeFor(dataDir: string, network: RunningNetwork): void {
  ensureDataDir(dataDir);
  const store = Store.openInDir(dataDir);
  try {
    store.settings.update(
      { networkUrl: network.coordinator.httpUrl, chain: 'custom', rpcUrl: network.rpc.url, customChainId: network.payments.chain.chainId },
      Date.now(),
    );
  } finally {
    store.close();
  }
}

export interface NodeProcess {
  child: ChildProcess;
  /** http://127.0.0.1:<port> of its API. */
  origin: string;
  token: string;
  pid: number;
  /** Resolves with the exit (code, signal). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  call<T = unknown>(method: string, input?: unknown): Promise<T>;
  stderr(): string;
}

/** `node main/headless/index.ts --data-dir … --port 0` from source; resolves once it serves. */
export function spawnHeadlessNode(dataDir: string, options: { env?: NodeJS.ProcessEnv; entry?: 'source' | 'built' } = {}): Promise<NodeProcess> {
  // With the V8 flags `npm run headless` runs with; from source by default (no build needed), or the built bundle.
  const entry = options.entry === 'built' ? HEADLESS_BUILT : HEADLESS_SOURCE;
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', ...shippedHeadlessFlags(), entry, '--data-dir', dataDir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, HEARTH_LOG_LEVEL: 'warn', ...options.env },
  });
  let stderr = '';
  let stdout = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the headless node did not start within 60 s: ${stderr.slice(-2000)}`));
    }, 60_000);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the headless node exited (${code ?? signal}) before serving: ${stderr.slice(-2000)}`));
    });
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const match = /http:\/\/127\.0\.0\.1:(\d+)/.exec(stdout);
      if (!match || child.pid === undefined) return;
      clearTimeout(timer);
      const origin = `http://127.0.0.1:${match[1]}`;
      const token = readFileSync(join(dataDir, TOKEN_FILE), 'utf8').trim();
      const pid = child.pid;
      resolve({
        child,
        origin,
        token,
        pid,
        exited,
        stderr: () => stderr,
        async call<T>(method: string, input?: unknown): Promise<T> {
          const response = await fetch(`${origin}/api/${method}`, {
            method: 'POST',
            headers: { authorization: `Bearer ${token}`, ...(input === undefined ? {} : { 'content-type': 'application/json' }) },
            body: input === undefined ? undefined : JSON.stringify(input),
          });
          const reply = (await response.json()) as { ok: boolean; value?: T; error?: { message: string } };
          if (!reply.ok) throw new Error(`${method}: ${reply.error?.message ?? response.status}`);
          return reply.value as T;
        },
      });
    });
  });
}
