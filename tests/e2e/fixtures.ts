import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, type Page } from '@playwright/test';
import { ensureDataDir } from '../../main/node/data-dir.ts';
import { Store } from '../../main/store/index.ts';
import type { SettingsPatch } from '../../shared/settings.ts';

const root = join(import.meta.dirname, '..', '..');
export const SCREENSHOTS = join(root, 'test-results', 'screenshots');

/**
 * A screenshot of the whole page into test-results/screenshots/<name>.png:
 * the app scrolls inside `.content`, so `fullPage` alone would stop at the
 * window; the window is made as tall as the content first.
 */
export async function shot(page: Page, name: string): Promise<void> {
  const viewport = page.viewportSize() ?? { width: 1240, height: 800 };
  const height = await page.locator('.content').evaluate((element) => element.getBoundingClientRect().top + element.scrollHeight);
  await page.setViewportSize({ width: viewport.width, height: Math.max(viewport.height, Math.min(height, 6_000)) });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });
  await page.setViewportSize(viewport);
}

export interface Headless {
  /** The URL headless mode printed, token included. */
  url: string;
  origin: string;
  token: string;
  dataDir: string;
  /** Calls the API as another client would (not through the page). */
  call(method: string, input?: unknown): Promise<unknown>;
}

/** Starts the built headless mode (`dist/main/headless.js`) on a free port with a fresh data dir. */
async function startHeadless(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [join(root, 'dist', 'main', 'headless.js'), '--data-dir', dataDir, '--port', '0'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`headless mode did not print its URL:\n${output}`)), 15_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /Open Hearth: (http:\/\/\S+)/.exec(output);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => reject(new Error(`headless mode exited (${code}):\n${output}`)));
  });
  return { child, url };
}

/** Settings stored in the fresh data dir before the node first starts, as a user would have saved them. */
function seedSettings(dataDir: string, patch: SettingsPatch): void {
  ensureDataDir(dataDir);
  const store = Store.openInDir(dataDir);
  try {
    store.settings.update(patch, Date.now());
  } finally {
    store.close();
  }
}

export const test = base.extend<{ hearth: Headless; nodeSettings: SettingsPatch | null }>({
  // A fresh node joins the embedded local network and earns at once; tests of empty states start it paused.
  nodeSettings: [null, { option: true }],
  hearth: async ({ nodeSettings }, use) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'hearth-e2e-'));
    if (nodeSettings) seedSettings(dataDir, nodeSettings);
    const { child, url } = await startHeadless(dataDir);
    const origin = url.split('/#')[0] ?? '';
    const token = url.split('#token=')[1] ?? '';
    const call = async (method: string, input?: unknown): Promise<unknown> => {
      const response = await fetch(`${origin}/api/${method}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: input === undefined ? '' : JSON.stringify(input),
      });
      return response.json();
    };
    await use({ url, origin, token, dataDir, call });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    rmSync(dataDir, { recursive: true, force: true });
  },
});

export { expect } from '@playwright/test';
