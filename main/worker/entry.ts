import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The app's root folder (where package.json, dist/ and node_modules are),
 * found from a file inside it — source, bundle entry or shared chunk alike.
 * Every place that names a file of the app starts from here.
 */
export function appRoot(from = fileURLToPath(import.meta.url)): string {
  let root = dirname(from);
  while (!existsSync(join(root, 'package.json'))) {
    const parent = dirname(root);
    if (parent === root) throw new Error(`no package.json above ${from}`);
    root = parent;
  }
  return root;
}

/**
 * Where the worker's entry script is, and the one folder it may read: the
 * app's root (its own code and node_modules, where ONNX Runtime's native
 * library lives). From the bundle: dist/main/worker.js; from source (tests):
 * main/inference/worker.ts, run by Node's type stripping.
 */
export function workerLocation(from = fileURLToPath(import.meta.url)): { entry: string; root: string } {
  const root = appRoot(from);
  // From the bundle this code may sit in a shared chunk (dist/main/chunks/): name the entry from the root.
  const bundled = from.endsWith('.js');
  return { entry: bundled ? join(root, 'dist', 'main', 'worker.js') : join(root, 'main', 'inference', 'worker.ts'), root };
}
