// Lint enforces the process boundaries of ARCHITECTURE.md's "may import"
// column, plus TypeScript strictness (no `any`, no @ts-ignore).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules.filter((m) => !m.startsWith('_')), ...builtinModules.map((m) => `node:${m}`)];
const nodeOnly = ['better-sqlite3', 'onnxruntime-node', 'ws', 'prom-client'];

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * The "may import" column as rules: static imports of the banned modules and
 * any of their subpaths (`electron/renderer`, `better-sqlite3/lib/…`), banned
 * relative paths, and the same modules through dynamic `import()` or `require()`.
 */
function restrict({ modules = [], patterns = [], regex, importNames = [], noRequire = false }) {
  const message = 'This folder may not import this module (see ARCHITECTURE.md, "may import").';
  const moduleRegex = modules.length > 0 ? `/^(${modules.map(escape).join('|')})(\\u002F|$)/u` : undefined;
  const syntax = [];
  if (moduleRegex) {
    syntax.push(
      { selector: `ImportExpression[source.value=${moduleRegex}]`, message },
      { selector: `CallExpression[callee.name='require'][arguments.0.value=${moduleRegex}]`, message },
    );
  }
  if (noRequire) syntax.push({ selector: "CallExpression[callee.name='require']", message: 'Use ES imports here; require() can reach past the boundary rules.' });
  return {
    'no-restricted-imports': [
      'error',
      {
        paths: [...modules.map((name) => ({ name, message })), ...importNames],
        patterns: [
          ...modules.map((name) => ({ group: [`${name}/*`], message })),
          ...patterns.map((group) => ({ group: [group], message: 'This folder may not import from there (see ARCHITECTURE.md, "may import").' })),
          ...(regex ? [{ regex, message: 'This folder may not import from there (see ARCHITECTURE.md, "may import").' }] : []),
        ],
      },
    ],
    'no-restricted-syntax': syntax.length > 0 ? ['error', ...syntax] : 'off',
  };
}

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'release/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: { allowDefaultProject: ['eslint.config.js'] }, tsconfigRootDir: import.meta.dirname },
      globals: { ...globals.node },
    },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/ban-ts-comment': ['error', { 'ts-ignore': true, 'ts-nocheck': true, 'ts-expect-error': 'allow-with-description' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
  },
  // ---- process boundaries ----
  {
    files: ['shared/**'],
    rules: restrict({ modules: ['electron', ...nodeBuiltins, ...nodeOnly], patterns: ['**/main/**', '**/renderer/**', '**/preload/**'], noRequire: true }),
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...restrict({ modules: ['electron', ...nodeBuiltins, ...nodeOnly], patterns: ['**/main/**', '**/preload/**'], noRequire: true }),
    },
  },
  {
    files: ['preload/**'],
    rules: restrict({ modules: [...nodeBuiltins, ...nodeOnly], patterns: ['**/main/**', '**/renderer/**'], noRequire: true }),
  },
  {
    // Only main/electron/ imports electron; better-sqlite3 only in main/store/; no main code reaches into the UI.
    files: ['main/**'],
    ignores: ['main/electron/**', 'main/store/**', 'main/inference/**'],
    rules: restrict({ modules: ['electron', 'better-sqlite3', 'onnxruntime-node'], patterns: ['**/renderer/**', '**/preload/**'] }),
  },
  {
    // Code that runs inside the worker: ONNX Runtime and shared/ only.
    files: ['main/inference/**'],
    rules: restrict({
      modules: ['electron', 'better-sqlite3'],
      patterns: ['store', 'worker', 'node', 'headless', 'electron', 'models', 'launch', 'devnet', 'wallet', 'network', 'policy', 'hardware'].map((folder) => `**/main/${folder}/**`).concat(
        ['store', 'worker', 'node', 'headless', 'electron', 'models', 'launch', 'devnet', 'wallet', 'network', 'policy', 'hardware'].flatMap((folder) => [`../${folder}/*`, `../../${folder}/*`]),
      ),
    }),
  },
  {
    // The wallet: viem and shared/ (its records reach it as interfaces the node passes in).
    files: ['main/wallet/**'],
    rules: restrict({
      modules: ['electron', 'better-sqlite3', 'onnxruntime-node', 'hardhat'],
      patterns: ['store', 'worker', 'node', 'headless', 'electron', 'models', 'launch', 'devnet', 'network', 'policy', 'hardware', 'inference']
        .flatMap((folder) => [`**/main/${folder}/**`, `../${folder}/*`, `../../${folder}/*`])
        .concat(['**/renderer/**', '**/preload/**']),
    }),
  },
  {
    // The embedded local network: shared/, the wallet, the chain (Hardhat), the coordinator's own ledger
    // (main/store/ledger.ts) — not the node that runs it.
    // (worker/entry.ts is reachable for appRoot(), to find the contract artifacts.)
    files: ['main/devnet/**'],
    rules: restrict({
      modules: ['electron', 'better-sqlite3', 'onnxruntime-node'],
      patterns: ['node', 'headless', 'electron', 'launch', 'policy', 'inference', 'network']
        .flatMap((folder) => [`**/main/${folder}/**`, `../${folder}/*`, `../../${folder}/*`])
        .concat(['**/renderer/**', '**/preload/**']),
    }),
  },
  {
    // The network client: the wire protocol (shared/), the wallet's signer and verifier, its records (main/store),
    // the model cache and the worker it runs jobs on — not the node that composes it, nor the local network.
    files: ['main/network/**'],
    rules: restrict({
      modules: ['electron', 'better-sqlite3', 'onnxruntime-node', 'hardhat'],
      patterns: ['node', 'headless', 'electron', 'launch', 'devnet', 'policy', 'inference']
        .flatMap((folder) => [`**/main/${folder}/**`, `../${folder}/*`, `../../${folder}/*`])
        .concat(['**/renderer/**', '**/preload/**']),
    }),
  },
  {
    // The policy engine: pure decisions over shared/ types and its own OS-signal interfaces.
    files: ['main/policy/**'],
    rules: restrict({
      modules: ['electron', 'better-sqlite3', 'onnxruntime-node', 'hardhat', 'viem'],
      patterns: ['store', 'worker', 'node', 'headless', 'electron', 'models', 'launch', 'devnet', 'network', 'wallet', 'hardware', 'inference']
        .flatMap((folder) => [`**/main/${folder}/**`, `../${folder}/*`, `../../${folder}/*`])
        .concat(['**/renderer/**', '**/preload/**']),
    }),
  },
  {
    files: ['main/store/**'],
    rules: restrict({ modules: ['electron', 'onnxruntime-node'], patterns: ['**/renderer/**', '**/preload/**'] }),
  },
  {
    // One door into main: raw ipcMain only in the binding.
    files: ['main/electron/**'],
    ignores: ['main/electron/ipc.ts'],
    rules: restrict({
      modules: ['better-sqlite3', 'onnxruntime-node'],
      patterns: ['**/renderer/**', '**/preload/**'],
      importNames: [{ name: 'electron', importNames: ['ipcMain', 'ipcRenderer'], message: 'Only main/electron/ipc.ts binds IPC (STYLE.md, "One door into main").' }],
    }),
  },
  {
    files: ['main/electron/ipc.ts'],
    rules: restrict({
      patterns: ['**/renderer/**', '**/preload/**'],
      importNames: [{ name: 'electron', importNames: ['ipcRenderer'], message: 'ipcRenderer belongs in preload/.' }],
    }),
  },
);
