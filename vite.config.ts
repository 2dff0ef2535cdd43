/**
 * Plain Vite, three builds selected by --mode (see `npm run build`):
 * - renderer: the React app → dist/renderer
 * - main: Node bundles for Electron's main process, headless mode and the
 *   `npm start` launcher → dist/main (ESM; dependencies stay in node_modules)
 * - preload: the sandboxed preload → dist/preload/index.cjs (sandboxed
 *   preloads must be one CommonJS file)
 * Plain Vite rather than electron-vite: our entries live in fixed top-level
 * folders, headless mode is the build that runs everywhere, and no dev-server
 * integration with an Electron binary (which cannot be downloaded offline) is
 * needed to build it.
 */
import { builtinModules } from 'node:module';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type UserConfig } from 'vite';

const root = import.meta.dirname;
const nodeExternals = ['electron', /^node:/, ...builtinModules];

const renderer: UserConfig = {
  root: resolve(root, 'renderer'),
  base: '/',
  plugins: [react()],
  build: {
    outDir: resolve(root, 'dist/renderer'),
    emptyOutDir: true,
    target: 'chrome130',
    modulePreload: { polyfill: false },
    sourcemap: true,
  },
};

const main: UserConfig = {
  build: {
    ssr: true,
    outDir: resolve(root, 'dist/main'),
    emptyOutDir: true,
    target: 'node24',
    sourcemap: true,
    rollupOptions: {
      input: {
        electron: resolve(root, 'main/electron/index.ts'),
        headless: resolve(root, 'main/headless/index.ts'),
        launch: resolve(root, 'main/launch/index.ts'),
        worker: resolve(root, 'main/inference/worker.ts'),
        coordinator: resolve(root, 'main/devnet/coordinator/main.ts'),
      },
      external: nodeExternals,
      output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
};

const preload: UserConfig = {
  build: {
    ssr: true,
    outDir: resolve(root, 'dist/preload'),
    emptyOutDir: true,
    target: 'chrome130',
    rollupOptions: {
      input: { index: resolve(root, 'preload/index.ts') },
      external: ['electron'],
      output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
    },
  },
  // Sandboxed preloads cannot require anything but `electron`: bundle the rest (zod, shared/).
  ssr: { noExternal: true },
};

export default defineConfig(({ mode }) => {
  if (mode === 'main') return main;
  if (mode === 'preload') return preload;
  if (mode === 'renderer') return renderer;
  // Vitest (mode "test") and any other mode: plain config, tests configured below.
  return {
    plugins: [react()],
    test: {
      include: ['tests/**/*.test.{ts,tsx}'],
      exclude: ['tests/e2e/**', 'node_modules/**'],
      environment: 'node',
      testTimeout: 20_000,
      hookTimeout: 20_000,
      pool: 'forks',
    },
  };
});
