import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { workerLocation } from '../../../main/worker/entry.ts';
import { forkTransport } from '../../../main/worker/fork-transport.ts';
import { sandboxSpec } from '../../../main/worker/sandbox.ts';
import { scaleModel } from '../../../shared/onnx/zoo.ts';
import { f32, sha256, startSupervisor } from '../../helpers/worker.ts';
import { tempDir } from '../../helpers/temp.ts';

const { root } = workerLocation();

interface ProbeReport {
  readInside: string;
  readOutside: string;
  write: string;
  spawn: string;
  thread: string;
  env: Record<string, string>;
}

async function probe(env: NodeJS.ProcessEnv, memoryCapBytes?: number): Promise<{ report: ProbeReport; pid: number | undefined; limits: string }> {
  const modelCache = tempDir('hearth-cache-');
  const model = join(modelCache, 'model.onnx');
  writeFileSync(model, scaleModel());
  const spec = sandboxSpec({ entry: join(import.meta.dirname, 'fixtures', 'probe.ts'), readPaths: [root], env, memoryCapBytes });
  const transport = forkTransport(spec);
  const report = await new Promise<ProbeReport>((resolve, reject) => {
    transport.onMessage((message) => resolve(message as unknown as ProbeReport));
    transport.onExit((exit) => reject(new Error(`probe exited: ${JSON.stringify(exit)}`)));
    transport.send({ outside: model, inside: join(root, 'package.json'), writeTo: tempDir() } as never);
  });
  const limits = transport.pid ? readFileSync(`/proc/${transport.pid}/limits`, 'utf8') : '';
  transport.kill();
  return { report, pid: transport.pid, limits };
}

describe('the worker sandbox', () => {
  it('lets the worker read its own code, and nothing else: no model file, no writes, no processes, no threads', async () => {
    const { report } = await probe(process.env);
    expect(report.readInside).toBe('allowed'); // the probe really ran under the sandbox
    expect(report.readOutside).toBe('ERR_ACCESS_DENIED');
    expect(report.write).toBe('ERR_ACCESS_DENIED');
    expect(report.spawn).toBe('ERR_ACCESS_DENIED');
    expect(report.thread).toBe('ERR_ACCESS_DENIED');
  });

  it('starts the worker with an allowlisted environment and telemetry disabled', async () => {
    const { report } = await probe({ ...process.env, HEARTH_SECRET: 'wallet passphrase', AWS_SECRET_ACCESS_KEY: 'x', NODE_OPTIONS: '--require /tmp/evil.js', LANG: 'C.UTF-8' });
    expect(report.env.ORT_DISABLE_TELEMETRY).toBe('1');
    expect(report.env.LANG).toBe('C.UTF-8');
    for (const leaked of ['HEARTH_SECRET', 'AWS_SECRET_ACCESS_KEY', 'NODE_OPTIONS', 'PATH']) expect(report.env).not.toHaveProperty(leaked);
    const allowed = new Set(['LANG', 'LC_ALL', 'TZ', 'SystemRoot', 'WINDIR', 'CUDA_PATH', 'CUDA_VISIBLE_DEVICES', 'LD_LIBRARY_PATH', 'HOME', 'TMPDIR', 'ORT_DISABLE_TELEMETRY']);
    const unexpected = Object.keys(report.env).filter((k) => !allowed.has(k) && !k.startsWith('NODE_CHANNEL_') && k !== 'NODE_UNIQUE_ID');
    expect(unexpected).toEqual([]);
  });

  it.runIf(process.platform === 'linux')('caps the worker’s address space from its first instruction', async () => {
    const cap = 3 * 1024 ** 3;
    const { limits } = await probe(process.env, cap);
    expect(limits).toMatch(new RegExp(`^Max address space\\s+${cap}\\s+${cap}\\s+bytes`, 'm'));
  });

  it('leaves no ONNX Runtime telemetry behind after real jobs', async () => {
    const home = tempDir('hearth-home-');
    const { supervisor } = startSupervisor({ sandbox: { env: { ...process.env, HOME: home } } });
    const model = scaleModel();
    for (let i = 0; i < 5; i++) await supervisor.run({ modelSha256: sha256(model), modelBytes: () => model, inputs: { x: f32(i) }, deadlineMs: 10_000 });
    supervisor.stop();
    expect(existsSync(join(home, '.cache', 'Microsoft'))).toBe(false);
    expect(readdirSync(home)).toEqual([]);
  });
});
