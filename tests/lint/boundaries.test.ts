import { join } from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '..', '..');
// The snippets are not files of the TypeScript project: lint them without type information.
const eslint = new ESLint({ cwd: root, overrideConfig: [tseslint.configs.disableTypeChecked] });

/** Lints `code` as if it were the file at `path`; returns the restricted-import messages. */
async function violations(path: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, path) });
  const fatal = result?.messages.find((m) => m.fatal);
  if (fatal) throw new Error(`could not lint ${path}: ${fatal.message}`);
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax').map((m) => m.message);
}

describe('lint enforces the architecture’s "may import" column', () => {
  it.each([
    ['renderer/src/x.ts', "import { readFileSync } from 'node:fs';"],
    ['renderer/src/x.ts', "import { ipcRenderer } from 'electron';"],
    ['renderer/src/x.ts', "import Database from 'better-sqlite3';"],
    ['renderer/src/x.ts', "import { Store } from '../../main/store/index.ts';"],
    ['shared/x.ts', "import { join } from 'path';"],
    ['shared/x.ts', "import * as ort from 'onnxruntime-node';"],
    ['shared/x.ts', "import { ProviderNode } from '../main/node/provider-node.ts';"],
    ['main/node/x.ts', "import { app } from 'electron';"],
    ['main/headless/x.ts', "import { BrowserWindow } from 'electron';"],
    ['main/node/x.ts', "import Database from 'better-sqlite3';"],
    ['main/electron/window.ts', "import { ipcMain } from 'electron';"],
    ['preload/x.ts', "import { readFileSync } from 'node:fs';"],
    ['preload/x.ts', "import { Store } from '../main/store/index.ts';"],
    // Around the rules: subpaths, dynamic import, require.
    ['renderer/src/x.ts', "import { ipcRenderer } from 'electron/renderer';"],
    ['renderer/src/x.ts', "const fs = await import('node:fs');"],
    ['renderer/src/x.ts', "import Database from 'better-sqlite3/lib/database.js';"],
    ['shared/x.ts', "const electron = require('electron');"],
    ['shared/x.ts', "const anything = require('./other');"],
    ['main/node/x.ts', "import { app } from 'electron/main';"],
    ['main/node/x.ts', "const { app } = await import('electron');"],
    ['main/headless/x.ts', "import * as ort from 'onnxruntime-node';"],
    ['main/inference/x.ts', "import { Store } from '../store/index.ts';"],
    ['main/inference/ocr/x.ts', "import { Store } from '../../store/index.ts';"],
    ['main/inference/ocr/x.ts', "import { WorkerSupervisor } from '../../worker/supervisor.ts';"],
  ])('%s may not: %s', async (path, code) => {
    expect(await violations(path, `${code}\nexport {};\n`)).not.toEqual([]);
  });

  it.each([
    ['renderer/src/x.ts', "import { z } from 'zod';"],
    ['renderer/src/x.ts', "import { methods } from '../../shared/api.ts';"],
    ['main/store/x.ts', "import Database from 'better-sqlite3';"],
    ['main/electron/ipc.ts', "import { ipcMain } from 'electron';"],
    ['main/electron/x.ts', "import { app } from 'electron';"],
    ['preload/x.ts', "import { contextBridge } from 'electron';"],
    ['main/headless/x.ts', "import { createServer } from 'node:http';"],
    ['main/inference/x.ts', "import * as ort from 'onnxruntime-node';"],
    ['main/inference/x.ts', "import { tensorTypes } from '../../shared/worker-protocol.ts';"],
    ['main/inference/ocr/x.ts', "import { tensorTypes } from '../../../shared/worker-protocol.ts';"],
    ['main/inference/ocr/x.ts', "import { InputError } from '../validate.ts';"],
    ['renderer/src/x.ts', "const page = await import('./pages/Overview.tsx');"],
    ['main/wallet/x.ts', "import { createPublicClient } from 'viem';"],
    ['main/wallet/x.ts', "import { voucherTypes } from '../../shared/voucher.ts';"],
    ['main/devnet/x.ts', "import { Payouts } from '../wallet/payouts.ts';"],
    ['main/devnet/x.ts', "import { createHardhatRuntimeEnvironment } from 'hardhat/hre';"],
  ])('%s may: %s', async (path, code) => {
    expect(await violations(path, `${code}\nexport {};\n`)).toEqual([]);
  });
});
