import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export type ElectronBinary = { ok: true; path: string } | { ok: false; reason: string };

/**
 * Finds the Electron binary, downloading it on first use the way the
 * `electron` package does, but quietly: a machine that cannot download it
 * gets a one-line reason, never a stack trace.
 */
export async function resolveElectronBinary(options: { timeoutMs?: number } = {}): Promise<ElectronBinary> {
  // An Electron the user already has (a distribution's package, say).
  const given = process.env.HEARTH_ELECTRON;
  if (given) return existsSync(given) ? { ok: true, path: given } : { ok: false, reason: `HEARTH_ELECTRON names no file: ${given}` };
  let packageDir: string;
  try {
    packageDir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { ok: false, reason: 'the electron package is not installed' };
  }
  const installed = installedPath(packageDir);
  if (installed) return { ok: true, path: installed };

  process.stdout.write('hearth: downloading Electron (first start only)...\n');
  const result = await run(process.execPath, [join(packageDir, 'install.js')], options.timeoutMs ?? 5 * 60_000);
  const after = installedPath(packageDir);
  if (result.code === 0 && after) return { ok: true, path: after };
  return { ok: false, reason: summarise(result.output) };
}

function installedPath(packageDir: string): string | undefined {
  try {
    const relative = readFileSync(join(packageDir, 'path.txt'), 'utf8').trim();
    const full = join(process.env.ELECTRON_OVERRIDE_DIST_PATH ?? join(packageDir, 'dist'), relative);
    return existsSync(full) ? full : undefined;
  } catch {
    return undefined;
  }
}

function run(command: string, args: string[], timeoutMs: number): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    let output = '';
    const collect = (chunk: Buffer): void => {
      if (output.length < 64_000) output += chunk.toString('utf8');
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', (error) => resolve({ code: null, output: error.message }));
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The first line of an error that says what happened (e.g. "getaddrinfo ENOTFOUND github.com"). */
export function summarise(output: string): string {
  const lines = output.split('\n').map((line) => line.trim()).filter(Boolean);
  const error = lines.find((line) => /^(\w*Error|RequestError|HTTPError)\b/.test(line)) ?? lines.find((line) => !line.startsWith('at '));
  return (error ?? 'the download failed').replace(/^\w*Error:\s*/, '').slice(0, 200);
}
