// Runs Doyensec's Electronegativity over main/, preload/ and renderer/ in one
// scan (so global checks — CSP, navigation limits, permission handler — see
// the whole app) and fails on any definite finding. Findings Electronegativity
// marks for manual review are listed, not failed.
//
// Offline: its translation download and Electron release check need the
// internet; offline-hooks.mjs gives it a `got` that fails at once, and the
// release check (AvailableSecurityFixesGlobalCheck) is skipped — the Electron
// version is pinned in package.json instead.
//
// Usage: node tests/security/electronegativity.mjs [--input DIR] [--sarif FILE]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const { values } = parseArgs({ options: { input: { type: 'string' }, sarif: { type: 'string' } } });
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const electronVersion = pkg.devDependencies.electron.replace(/^[^\d]*/, '');

let input = values.input && resolve(values.input);
let scratch;
if (!input) {
  scratch = mkdtempSync(join(tmpdir(), 'hearth-electronegativity-'));
  for (const folder of ['main', 'preload', 'renderer']) cpSync(join(root, folder), join(scratch, folder), { recursive: true });
  input = scratch;
}
const sarif = resolve(values.sarif ?? join(root, 'test-results', 'electronegativity.sarif'));
mkdirSync(dirname(sarif), { recursive: true });
rmSync(sarif, { force: true });

const cli = join(root, 'node_modules', '@doyensec', 'electronegativity', 'dist', 'index.js');
const run = spawnSync(
  process.execPath,
  ['--import', join(root, 'tests', 'security', 'offline-hooks.mjs'), cli, '-i', input, '-e', electronVersion, '-x', 'AvailableSecurityFixesGlobalCheck', '-o', sarif, '-r', '-v', 'false'],
  { encoding: 'utf8', timeout: 300_000 },
);
if (scratch) rmSync(scratch, { recursive: true, force: true });
if (run.status !== 0 || !existsSync(sarif)) {
  console.error(run.stdout, run.stderr);
  console.error(`electronegativity: the scan did not complete (exit ${run.status})`);
  process.exit(1);
}

const results = JSON.parse(readFileSync(sarif, 'utf8')).runs.flatMap((r) => r.results);
const where = (r) => {
  const loc = r.locations?.[0]?.physicalLocation;
  return `${loc?.artifactLocation?.uri ?? '?'}:${loc?.region?.startLine ?? '?'}`;
};
const failing = results.filter((r) => r.level !== 'note');
const review = results.filter((r) => r.level === 'note');
for (const r of review) console.log(`  review  ${r.ruleId.padEnd(34)} ${where(r)}  ${r.message.text}`);
for (const r of failing) console.log(`  FINDING ${r.ruleId.padEnd(34)} ${where(r)}  ${r.message.text}`);
console.log(`electronegativity (Electron ${electronVersion}): ${failing.length} findings, ${review.length} for manual review; report: ${sarif}`);
process.exit(failing.length > 0 ? 1 : 0);
