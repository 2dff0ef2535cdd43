import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from '../helpers/temp.ts';

const SCRIPT = join(import.meta.dirname, 'electronegativity.mjs');

describe('the Electronegativity gate', () => {
  it('fails on an insecure window, so the passing run over our code means something', () => {
    const input = tempDir();
    mkdirSync(join(input, 'main'));
    writeFileSync(
      join(input, 'main', 'index.js'),
      `const { app, BrowserWindow } = require('electron');
app.whenReady().then(() => {
  const win = new BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false, webSecurity: false } });
  win.loadURL('http://example.com');
});\n`,
    );
    const sarif = join(tempDir(), 'out.sarif');
    const run = spawnSync(process.execPath, [SCRIPT, '--input', input, '--sarif', sarif], { encoding: 'utf8', timeout: 120_000 });
    expect(run.status).toBe(1);
    for (const check of ['CONTEXT_ISOLATION_JS_CHECK', 'SANDBOX_JS_CHECK', 'WEB_SECURITY_JS_CHECK', 'LIMIT_NAVIGATION_GLOBAL_CHECK', 'PERMISSION_REQUEST_HANDLER_GLOBAL_CHECK']) {
      expect(run.stdout).toContain(`FINDING ${check}`);
    }
  }, 130_000);
});
