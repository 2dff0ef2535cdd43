/**
 * `npm start`: launches the desktop app, or — where Electron cannot run (no
 * binary and no way to download it, no display) — says why in one line and
 * runs the same node in headless mode, printing its URL.
 */
import { spawn } from 'node:child_process';
import { main as headlessMain } from '../headless/cli.ts';
import { appRoot } from '../worker/entry.ts';
import { resolveElectronBinary } from './electron-binary.ts';
import { MAIN_PROCESS_V8_FLAGS } from './v8-flags.ts';

/** An Electron that dies this soon after launch could not start (missing libraries, no GPU/display access). */
const EARLY_EXIT_MS = 10_000;

async function start(argv: string[]): Promise<number> {
  if (process.env.HEARTH_HEADLESS === '1') return headlessMain(argv);
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) {
    return fallback('no display found (DISPLAY and WAYLAND_DISPLAY are unset)', argv);
  }
  const binary = await resolveElectronBinary();
  if (!binary.ok) return fallback(`Electron could not be downloaded (${binary.reason})`, argv);

  const outcome = await runElectron(binary.path, appRoot(), argv);
  if (outcome.kind === 'early-exit') return fallback(`Electron exited at start-up (${outcome.detail})`, argv);
  return outcome.code;
}

async function fallback(reason: string, argv: string[]): Promise<number> {
  console.log(`hearth: ${reason}; starting headless mode instead.`);
  return headlessMain(argv);
}

type ElectronOutcome = { kind: 'exited'; code: number } | { kind: 'early-exit'; detail: string };

function runElectron(binary: string, root: string, argv: string[]): Promise<ElectronOutcome> {
  return new Promise((resolve) => {
    const startedAt = Date.now();
    // Electron takes its main process's V8 flags only from its command line.
    const child = spawn(binary, [`--js-flags=${MAIN_PROCESS_V8_FLAGS}`, root, ...argv], { stdio: ['ignore', 'inherit', 'pipe'] });
    // Hold Electron's stderr back until it has clearly started, so a failed start shows one line, not a dump.
    let held: Buffer[] | undefined = [];
    const release = setTimeout(() => {
      for (const chunk of held ?? []) process.stderr.write(chunk);
      held = undefined;
    }, EARLY_EXIT_MS);
    child.stderr.on('data', (chunk: Buffer) => (held ? held.push(chunk) : process.stderr.write(chunk)));
    for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => child.kill(signal));
    child.on('error', (error) => {
      clearTimeout(release);
      resolve({ kind: 'early-exit', detail: error.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(release);
      const early = Date.now() - startedAt < EARLY_EXIT_MS && (code !== 0 || signal !== null);
      if (early) {
        const firstLine = Buffer.concat(held ?? []).toString('utf8').split('\n').find((line) => line.trim()) ?? '';
        resolve({ kind: 'early-exit', detail: signal ? `signal ${signal}` : `code ${code}${firstLine ? `: ${firstLine.trim().slice(0, 160)}` : ''}` });
      } else {
        resolve({ kind: 'exited', code: code ?? 1 });
      }
    });
  });
}

process.exitCode = await start(process.argv.slice(2));
