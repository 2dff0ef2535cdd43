// Test helpers: fake /proc and /sys trees. The fixtures under fixtures/ are
// read in place; a test that must change a tree between two reads (a counter
// that grows, a process that exec()s) works on a temporary copy.
import { cpSync, mkdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { tempDir } from '../../../helpers/temp.ts';

export const fixtures = join(import.meta.dirname, 'fixtures');

/** A file's contents, a symlink's target, or null: remove it. */
export type Entry = string | { link: string } | null;
export type Spec = Readonly<Record<string, Entry>>;

/** Writes `spec` under `root` (paths relative to it). */
export function write(root: string, spec: Spec): void {
  for (const [path, entry] of Object.entries(spec)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    rmSync(full, { recursive: true, force: true });
    if (entry === null) continue;
    if (typeof entry === 'string') writeFileSync(full, entry);
    else symlinkSync(entry.link, full);
  }
}

/** A new temporary tree (removed when the test ends): a copy of fixture `base` (if given), then `spec`. */
export function tree(spec: Spec = {}, base?: string): string {
  const root = tempDir('hearth-signals-');
  if (base !== undefined) cpSync(join(fixtures, base), root, { recursive: true, verbatimSymlinks: true });
  write(root, spec);
  return root;
}

/** Replaces a symlink (or file) in place. */
export function relink(path: string, target: string): void {
  unlinkSync(path);
  symlinkSync(target, path);
}

/** A /proc/PID/stat line (the fields a source reads: comm, state, flags, start time). */
export function statLine(pid: number, comm: string, options: { state?: string; flags?: number; start?: number } = {}): string {
  const { state = 'S', flags = 4194560, start = 1000 } = options;
  return `${pid} (${comm}) ${state} 1 ${pid} ${pid} 0 -1 ${flags} 1200 0 3 0 25 10 0 0 20 0 4 0 ${start} 123456789 2345 18446744073709551615 0 0 0 0 0 0 0 0 0 0 0 0 17 2 0 0 0 0 0\n`;
}

/** PF_KTHREAD set, as kthreadd's flags. */
export const KERNEL_THREAD_FLAGS = 0x208040;
