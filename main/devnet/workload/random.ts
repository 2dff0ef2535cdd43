/**
 * The workload's own small PRNG (mulberry32): the same seed gives the same
 * jobs on every machine and Node version, which Math.random cannot promise.
 * Not for secrets — only for what jobs to send.
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max], both included. */
  int(min: number, max: number): number;
}

export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (min, max) => min + Math.floor(next() * (max - min + 1)) };
}

/** `count` float32 values uniform in [-scale, scale). */
export function randomFloats(random: Random, count: number, scale: number): Float32Array {
  const out = new Float32Array(count);
  for (let i = 0; i < count; i++) out[i] = (random.next() * 2 - 1) * scale;
  return out;
}

/** `count` distinct items of `items` (all of them if fewer), in random order. */
export function sample<T>(random: Random, items: readonly T[], count: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length > 0) out.push(...pool.splice(random.int(0, pool.length - 1), 1));
  return out;
}
