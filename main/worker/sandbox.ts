import { existsSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { WorkerSpawnSpec } from './transport.ts';

/**
 * Variables the worker may inherit: locale and time zone, and what GPU
 * runtimes need to find their libraries. Everything else (tokens, wallet
 * settings, proxies, NODE_OPTIONS) stays behind.
 */
const INHERITED = ['LANG', 'LC_ALL', 'TZ', 'SystemRoot', 'WINDIR', 'CUDA_PATH', 'CUDA_VISIBLE_DEVICES', 'LD_LIBRARY_PATH', 'HOME', 'TMPDIR'];

export interface SandboxOptions {
  entry: string;
  /** Folders the worker must read to start: its own code and node_modules. Nothing else. */
  readPaths: string[];
  /** Address-space cap in bytes (Linux, through prlimit); undefined for none. */
  memoryCapBytes?: number;
  nodePath?: string;
  env?: NodeJS.ProcessEnv;
  platform?: NodeJS.Platform;
  nodeVersion?: string;
}

export interface SandboxSpec extends WorkerSpawnSpec {
  /** What each layer does here, for the logs and the README's claims. */
  layers: string[];
}

/**
 * How to start the worker locked down:
 * - a clean environment (an allowlist, plus ORT_DISABLE_TELEMETRY=1);
 * - Node's permission model: no file writes, no child processes, no worker
 *   threads, file reads only inside `readPaths`, native addons allowed (ONNX
 *   Runtime is one); network access is denied only from Node 25 on;
 * - on Linux, an address-space cap through `prlimit` wrapping the process, so
 *   the cap holds from its first instruction.
 * Native code is not bound by the permission model; see the README.
 */
export function sandboxSpec(options: SandboxOptions): SandboxSpec {
  const env = options.env ?? process.env;
  const platform = options.platform ?? process.platform;
  const nodeMajor = Number((options.nodeVersion ?? process.versions.node).split('.')[0]);
  const layers: string[] = [];

  const clean: Record<string, string> = {};
  for (const name of INHERITED) {
    const value = env[name];
    if (value !== undefined) clean[name] = value;
  }
  clean.ORT_DISABLE_TELEMETRY = '1';
  layers.push('environment: allowlist only, ORT_DISABLE_TELEMETRY=1');

  const nodeArgs = ['--permission', '--allow-addons', ...options.readPaths.map((path) => `--allow-fs-read=${path}`), '--disable-warning=ExperimentalWarning'];
  layers.push(`node permission model: reads only under ${options.readPaths.join(', ')}; no writes, child processes or worker threads`);
  if (nodeMajor >= 25) layers.push('network: denied by the permission model');
  else layers.push(`network: not restricted by Node ${nodeMajor} (the permission model covers it from Node 25)`);

  const node = options.nodePath ?? process.execPath;
  const prlimit = platform === 'linux' && options.memoryCapBytes !== undefined ? findOnPath('prlimit', env.PATH) : undefined;
  if (prlimit && options.memoryCapBytes !== undefined) {
    layers.push(`address space: capped at ${options.memoryCapBytes} bytes (prlimit)`);
    return { entry: options.entry, command: prlimit, args: [`--as=${options.memoryCapBytes}`, '--', node, ...nodeArgs], nodeArgs, memoryCapBytes: options.memoryCapBytes, env: clean, layers };
  }
  layers.push(options.memoryCapBytes === undefined ? 'address space: not capped' : 'address space: not capped (prlimit not available)');
  return { entry: options.entry, command: node, args: nodeArgs, nodeArgs, env: clean, layers };
}

function findOnPath(program: string, path = '/usr/bin:/bin'): string | undefined {
  for (const dir of path.split(delimiter)) {
    const candidate = join(dir, program);
    if (existsSync(candidate)) return candidate;
  }
  return undefined;
}
