// `npm start`'s launcher, run as the built bundle the way `npm start` runs it.
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../../helpers/temp.ts';
import { MAIN_PROCESS_V8_FLAGS } from '../../../main/launch/v8-flags.ts';

const root = join(import.meta.dirname, '..', '..', '..');
const LAUNCH = join(root, 'dist', 'main', 'launch.js');

function launch(env: Record<string, string | undefined>): { done: Promise<{ code: number | null; stdout: string; stderr: string }>; stop: () => void; url: Promise<string> } {
  const clean = { ...process.env, DISPLAY: undefined, WAYLAND_DISPLAY: undefined, HEARTH_ELECTRON: undefined, ...env };
  const child = spawn(process.execPath, [LAUNCH, '--port', '0'], { env: clean, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
      const match = /Open Hearth: (\S+)/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    });
    child.on('exit', () => reject(new Error(`no URL:\n${stdout}\n${stderr}`)));
  });
  url.catch(() => {});
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
  return { done, stop: () => child.kill('SIGTERM'), url };
}

describe('npm start', () => {
  beforeAll(() => {
    if (!existsSync(LAUNCH)) throw new Error('dist/main/launch.js is missing: run `npm run build` first (npm test does)');
  });

  it('without a display, says so in one line and runs headless mode', async () => {
    const run = launch({ HEARTH_DATA_DIR: tempDir() });
    await expect(run.url).resolves.toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=/);
    run.stop();
    const { code, stdout, stderr } = await run.done;
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toBe('hearth: no display found (DISPLAY and WAYLAND_DISPLAY are unset); starting headless mode instead.');
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('when Electron dies at start-up, shows its first line only and runs headless mode', async () => {
    const fake = join(tempDir(), 'electron');
    writeFileSync(fake, '#!/bin/sh\necho "error while loading shared libraries: libgtk-3.so.0" >&2\necho "  at some stack frame" >&2\nexit 127\n');
    chmodSync(fake, 0o755);
    const run = launch({ HEARTH_DATA_DIR: tempDir(), DISPLAY: ':99', HEARTH_ELECTRON: fake });
    await run.url;
    run.stop();
    const { stdout, stderr } = await run.done;
    expect(stdout.split('\n')[0]).toBe(
      'hearth: Electron exited at start-up (code 127: error while loading shared libraries: libgtk-3.so.0); starting headless mode instead.',
    );
    expect(stderr).not.toContain('some stack frame');
  });

  it('hands over to a working Electron and returns its exit code', async () => {
    const dir = tempDir();
    const fake = join(dir, 'electron');
    const args = join(dir, 'args');
    // Stands in for Electron: ready for SIGTERM first, then records its arguments (the app folder), then runs until told to stop.
    writeFileSync(fake, `#!/bin/sh\ntrap 'exit 0' TERM\necho "$@" > "${args}.partial" && mv "${args}.partial" "${args}"\nwhile true; do sleep 0.1; done\n`);
    chmodSync(fake, 0o755);
    const run = launch({ HEARTH_DATA_DIR: tempDir(), DISPLAY: ':99', HEARTH_ELECTRON: fake });
    // Stopped once Electron runs, not after a fixed wait: the launcher's start-up alone takes 0.6–1.1 s on a busy
    // 2-core machine, and a SIGTERM before it has handed over ends it before it forwards signals.
    const deadline = Date.now() + 15_000;
    while (!existsSync(args)) {
      if (Date.now() > deadline) throw new Error('the launcher did not start Electron within 15 s');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    run.stop();
    const { code, stdout } = await run.done;
    expect(code).toBe(0);
    expect(stdout).not.toContain('headless');
    const { readFileSync } = await import('node:fs');
    // The main process's V8 flags (a small young generation: README, "Benchmarks"), the app folder, then the user's flags.
    expect(readFileSync(args, 'utf8').trim()).toBe(`--js-flags=${MAIN_PROCESS_V8_FLAGS} ${root} --port 0`);
  });
});
