/**
 * V8 flags for the long-running main process, the same as `npm start` and
 * `npm run headless` give node (package.json): a 1 MiB young generation (V8's
 * default 16 MiB semi-spaces, grown on demand, let a node taking 50 jobs a
 * second sit at ~270 MB resident) and --optimize-for-size (a tighter old
 * generation: ~20 MB less, at an unchanged job rate). Measured in README
 * "Benchmarks"; the cost is more frequent, shorter collections. Electron passes
 * --js-flags to its renderers as well: the UI runs with them too.
 */
export const MAIN_PROCESS_V8_FLAGS = '--max-semi-space-size=1 --optimize-for-size';
