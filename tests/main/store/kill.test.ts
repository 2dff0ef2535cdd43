import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Store } from '../../../main/store/index.ts';
import { tempDir } from '../../helpers/temp.ts';

const WRITER = join(import.meta.dirname, 'fixtures', 'writer.ts');

/** Starts the writer, lets it commit at least `minCommits` groups plus a random extra moment, SIGKILLs it; returns the last commit it reported. */
function runAndKill(file: string, minCommits: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--disable-warning=ExperimentalWarning', WRITER, file], { stdio: ['ignore', 'pipe', 'pipe'] });
    let lastReported = 0;
    let seen = 0;
    let buffered = '';
    let stderr = '';
    let armed = false;
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        lastReported = Number(line);
        seen++;
      }
      if (seen >= minCommits && !armed) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), Math.random() * 40);
      }
    });
    child.on('exit', (code, signal) => {
      if (signal === 'SIGKILL') resolve(lastReported);
      else reject(new Error(`writer exited on its own (code ${code}): ${stderr}`));
    });
  });
}

describe('a process killed while writing', () => {
  it('leaves a database that reopens intact, with every reported commit and no half-written group', async () => {
    const file = join(tempDir(), 'hearth.db');
    for (let round = 0; round < 5; round++) {
      const lastReported = await runAndKill(file, 50 + round * 20);
      const store = Store.open(file);
      try {
        expect(store.db.pragma('integrity_check', { simple: true })).toBe('ok');
        const jobs = store.db.prepare('SELECT id, state, price, result_hash, accepted_at FROM jobs').all() as {
          id: string;
          state: string;
          price: string;
          result_hash: string | null;
          accepted_at: number;
        }[];
        const reasons = new Set(store.db.prepare('SELECT reason FROM policy_events').pluck().all() as string[]);
        // Every commit the writer reported survived the kill.
        const ids = new Set(jobs.map((j) => j.id));
        for (let n = 1; n <= lastReported; n++) expect(ids.has(`job-${n}`), `job-${n}`).toBe(true);
        // No half-written group: every job is complete and has its policy event, and vice versa.
        for (const job of jobs) {
          expect(job.state).toBe('succeeded');
          expect(job.result_hash).toBe(`result-${job.accepted_at}`);
          expect(BigInt(job.price)).toBe(2n ** 64n + BigInt(job.accepted_at));
          expect(reasons.has(job.id)).toBe(true);
        }
        expect(reasons.size).toBe(jobs.length);
        // The settings row is from the last committed group.
        const newest = Math.max(...jobs.map((j) => j.accepted_at));
        expect(store.settings.get().nodeName).toBe(`writer ${newest}`);
      } finally {
        store.close();
      }
    }
  }, 60_000);
});
