// Runs after `npm install`. Native addons (better-sqlite3) are built for the
// Node that installed them, so every npm script must run on that same Node,
// whatever `node` the user's shell finds first. npm puts node_modules/.bin
// first on PATH for scripts: a `node` link there pins them.
import { existsSync, lstatSync, mkdirSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const required = 24;
const major = Number(process.versions.node.split('.')[0]);
if (major < required) {
  console.error(
    `Hearth needs Node ${required} or newer (this is ${process.version}). ` +
      'Run `bash .ci/setup`, which installs Node 24 from the npm registry, or install Node 24 yourself.',
  );
  process.exit(1);
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const bin = join(root, 'node_modules', '.bin');
const link = join(bin, process.platform === 'win32' ? 'node.exe' : 'node');
if (process.platform !== 'win32') {
  mkdirSync(bin, { recursive: true });
  if (existsSync(link) || isLink(link)) unlinkSync(link);
  symlinkSync(process.execPath, link);
}

function isLink(path) {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}
