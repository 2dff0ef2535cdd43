// `node --import` hook: resolve `got` to the offline stand-in for Electronegativity only.
import { registerHooks } from 'node:module';

const stub = new URL('./offline-got.cjs', import.meta.url).href;
registerHooks({
  resolve(specifier, context, nextResolve) {
    if (specifier === 'got' && context.parentURL?.includes('@doyensec/electronegativity')) {
      return { url: stub, shortCircuit: true, format: 'commonjs' };
    }
    return nextResolve(specifier, context);
  },
});
