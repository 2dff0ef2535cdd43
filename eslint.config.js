// Lint enforces the process boundaries of ARCHITECTURE.md's "may import"
// column, plus TypeScript strictness (no `any`, no @ts-ignore).
import { builtinModules } from 'node:module';
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';
import tseslint from 'typescript-eslint';

const nodeBuiltins = [...builtinModules.filter((m) => !m.startsWith('_')), ...builtinModules.map((m) => `node:${m}`)];
const nodeOnly = ['better-sqlite3', 'onnxruntime-node', 'ws', 'prom-client'];

/** A no-restricted-imports rule from lists of banned modules and banned path patterns. */
function restrict({ modules = [], patterns = [], importNames = [] }) {
  return {
    'no-restricted-imports': [
      'error',
      {
        paths: [
          ...modules.map((name) => ({ name, message: 'This folder may not import this module (see ARCHITECTURE.md, "may import").' })),
          ...importNames,
        ],
        patterns: patterns.map((group) => ({ group: [group], message: 'This folder may not import from there (see ARCHITECTURE.md, "may import").' })),
      },
    ],
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
    rules: restrict({ modules: ['electron', ...nodeBuiltins, ...nodeOnly], patterns: ['**/main/**', '**/renderer/**', '**/preload/**'] }),
  },
  {
    files: ['renderer/**'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      ...restrict({ modules: ['electron', ...nodeBuiltins, ...nodeOnly], patterns: ['**/main/**', '**/preload/**'] }),
    },
  },
  {
    files: ['preload/**'],
    rules: restrict({ modules: [...nodeBuiltins, ...nodeOnly], patterns: ['**/main/**', '**/renderer/**'] }),
  },
  {
    // Only main/electron/ imports electron; better-sqlite3 only in main/store/; no main code reaches into the UI.
    files: ['main/**'],
    ignores: ['main/electron/**', 'main/store/**'],
    rules: restrict({ modules: ['electron', 'better-sqlite3', 'onnxruntime-node'], patterns: ['**/renderer/**', '**/preload/**'] }),
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
