import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CliUsageError, DEFAULT_HOST, DEFAULT_PORT, parseCliArgs } from '../../../main/headless/cli.ts';
import { defaultDataDir } from '../../../main/node/data-dir.ts';
import { tempDir } from '../../helpers/temp.ts';

const ENTRY = join(import.meta.dirname, '..', '..', '..', 'main', 'headless', 'index.ts');

describe('parseCliArgs', () => {
  it('uses the defaults', () => {
    expect(parseCliArgs([])).toEqual({ dataDir: defaultDataDir(), host: DEFAULT_HOST, port: DEFAULT_PORT });
  });

  it('reads --data-dir, --port and --host, in either form', () => {
    expect(parseCliArgs(['--data-dir', '/srv/hearth', '--port=0', '--host', '::1'])).toEqual({ dataDir: '/srv/hearth', host: '::1', port: 0 });
  });

  it.each([
    [['--port', '70000'], /--port must be a whole number from 0 to 65535/],
    [['--port', '-1'], /--port/],
    [['--port', '80.5'], /--port/],
    [['--port', 'http'], /--port/],
    [['--host', ''], /--host/],
    [['--host', 'a b'], /--host/],
    [['--data-dir', ''], /--data-dir must not be empty/],
    [['--verbose'], /Unknown option '--verbose'/],
    [['stray'], /positional/i],
  ])('refuses %j', (argv, message) => {
    expect(() => parseCliArgs(argv)).toThrow(CliUsageError);
    expect(() => parseCliArgs(argv)).toThrow(message);
  });

  it('prints help and the version without starting', () => {
    const printed: string[] = [];
    expect(parseCliArgs(['--help'], (t) => printed.push(t))).toBeUndefined();
    expect(parseCliArgs(['--version'], (t) => printed.push(t))).toBeUndefined();
    expect(printed[0]).toMatch(/^Usage: npm run headless -- \[--data-dir DIR\] \[--port N\] \[--host H\]/);
    expect(printed[1]).toMatch(/^\d+\.\d+\.\d+/);
  });
});

function startProcess(args: string[]) {
  const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', ENTRY, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const exited = new Promise<{ code: number | null; at: number }>((resolve) => child.on('exit', (code) => resolve({ code, at: Date.now() })));
  const url = new Promise<string>((resolve, reject) => {
    const check = (): void => {
      const match = /Open Hearth: (http:\/\/\S+)/.exec(stdout);
      if (match?.[1]) resolve(match[1]);
    };
    child.stdout.on('data', check);
    void exited.then(() => reject(new Error(`exited before printing the URL:\n${stdout}\n${stderr}`)));
  });
  url.catch(() => {}); // tests that expect an early exit never await the URL
  return { child, url, exited, output: () => ({ stdout, stderr }) };
}

describe('headless mode as a process', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('prints the URL with the token once, serves, and shuts down cleanly on %s within 2 s', async (signal) => {
    const dataDir = tempDir();
    const run = startProcess(['--data-dir', dataDir, '--port', '0']);
    const url = await run.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
    const origin = url.split('/#')[0] ?? '';
    expect((await fetch(`${origin}/healthz`)).status).toBe(200);
    expect(run.output().stdout.match(/#token=/g)).toHaveLength(1);

    const sentAt = Date.now();
    run.child.kill(signal);
    const { code, at } = await run.exited;
    expect(code).toBe(0);
    expect(at - sentAt).toBeLessThan(2000);
    expect(existsSync(join(dataDir, 'hearth.lock'))).toBe(false); // released: the node closed
    expect(run.output().stderr).not.toMatch(/\n\s+at /); // no stack trace
  });

  it('prints the token only at first start when its output is not a terminal (service logs)', async () => {
    const dataDir = tempDir();
    const first = startProcess(['--data-dir', dataDir, '--port', '0']);
    const url = await first.url;
    first.child.kill('SIGTERM');
    await first.exited;
    const second = startProcess(['--data-dir', dataDir, '--port', '0']);
    const again = await second.url;
    second.child.kill('SIGTERM');
    await second.exited;
    expect(url).toContain('#token=');
    expect(again).not.toContain('token=');
    expect(second.output().stdout).toContain(`(access token in ${join(dataDir, 'api-token')})`);
    expect(second.output().stdout).not.toContain(url.split('#token=')[1] ?? 'missing');
  });

  it('exits 2 with the usage on a bad flag', async () => {
    const run = startProcess(['--port', 'abc']);
    const { code } = await run.exited;
    expect(code).toBe(2);
    expect(run.output().stderr).toMatch(/--port must be a whole number[\s\S]*Usage:/);
  });

  it('exits 1 with one clear line when the data dir is taken by another Hearth', async () => {
    const dataDir = tempDir();
    const first = startProcess(['--data-dir', dataDir, '--port', '0']);
    await first.url;
    const second = startProcess(['--data-dir', dataDir, '--port', '0']);
    const { code } = await second.exited;
    expect(code).toBe(1);
    expect(second.output().stderr.trim()).toMatch(/^hearth: cannot start: Another Hearth \(process \d+\) is already using /);
    first.child.kill('SIGTERM');
    await first.exited;
  });
});

describe('unsupportedNodeReason', () => {
  it('refuses Node before 24 with one clear line, and accepts 24 and later', async () => {
    const { unsupportedNodeReason } = await import('../../../main/node/runtime.ts');
    expect(unsupportedNodeReason('20.20.2')).toMatch(/^Hearth needs Node 24 or newer \(this is v20\.20\.2\)/);
    expect(unsupportedNodeReason('24.0.0')).toBeUndefined();
    expect(unsupportedNodeReason('26.1.0')).toBeUndefined();
  });
});
