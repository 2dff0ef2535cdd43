/**
 * Mutations for the fuzz test: JSON values changed one field at a time in the
 * ways a schema must refuse — another type, huge, negative, fractional,
 * re-spelled, a key too many or missing, arrays repeated or far too long,
 * deep nesting, thousands of keys — and the malleable twin of a signature.
 */
import type { Random } from '../../../main/devnet/workload/random.ts';
import type { Hex } from '../../../shared/voucher.ts';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type JsonObject = { [key: string]: Json };

export const pick = <T>(random: Random, items: readonly T[]): T => {
  if (items.length === 0) throw new Error('pick from an empty list');
  return items[random.int(0, items.length - 1)] as T;
};

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** secp256k1's group order. */
const CURVE_ORDER = 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n;

/** The malleable twin of a signature: s → n − s, v flipped. The same signer recovers from it, but OpenZeppelin (and the node) refuse it. */
export function malleable(signature: Hex): Hex {
  const s = BigInt(`0x${signature.slice(66, 130)}`);
  const v = Number.parseInt(signature.slice(130), 16);
  return `0x${signature.slice(2, 66)}${(CURVE_ORDER - s).toString(16).padStart(64, '0')}${(v === 27 ? 28 : 27).toString(16)}`;
}

/** secp256k1's field prime. */
const FIELD_PRIME = 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn;

function modPow(base: bigint, exponent: bigint, modulus: bigint): bigint {
  let result = 1n;
  let b = base % modulus;
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % modulus;
    b = (b * b) % modulus;
  }
  return result;
}

/**
 * A signature whose r is in range but no curve point's x (x³ + 7 is not a
 * square mod p, by Euler's criterion): nothing can be recovered from it, and
 * the recovery library throws rather than answering null.
 */
export function offCurveSignature(random: Random): Hex {
  for (;;) {
    const r = BigInt(`0x${Array.from({ length: 32 }, () => random.int(0, 255).toString(16).padStart(2, '0')).join('')}`) % CURVE_ORDER;
    if (r !== 0n && modPow((r ** 3n + 7n) % FIELD_PRIME, (FIELD_PRIME - 1n) / 2n, FIELD_PRIME) === FIELD_PRIME - 1n) {
      return `0x${r.toString(16).padStart(64, '0')}${(1n + BigInt(random.int(1, 1e9))).toString(16).padStart(64, '0')}1b`;
    }
  }
}

type Path = (string | number)[];

function paths(value: Json, prefix: Path = []): Path[] {
  const out: Path[] = [];
  if (Array.isArray(value)) value.forEach((item, i) => out.push([...prefix, i], ...paths(item, [...prefix, i])));
  else if (isObject(value)) for (const [key, item] of Object.entries(value)) out.push([...prefix, key], ...paths(item, [...prefix, key]));
  return out;
}

function parentOf(root: Json, path: Path): { parent: Json[] | JsonObject; key: string | number } {
  let node: Json = root;
  for (const step of path.slice(0, -1)) node = (node as Record<string | number, Json>)[step] ?? null;
  const key = path.at(-1);
  if (key === undefined || node === null || typeof node !== 'object') throw new Error('no parent');
  return { parent: node, key };
}

/** An own property even for names like __proto__ (a plain assignment would set the prototype). */
function define(target: JsonObject, key: string, value: Json): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const OTHER_VALUES: readonly Json[] = [0, -1, 1.5, 'x', '', true, false, null, [], {}, [1, 'a'], { a: 1 }];
const EXTRA_KEYS = ['extra', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', ' v', 'V', 'id ', 'type\u0000'];

/** A string value standing for nested arrays, spliced into the text by frameText (JSON.stringify would recurse). */
export const DEEP = '\u0001deep:';

/** The frame's text, with each deep-nesting marker replaced by that many nested arrays. */
export function frameText(frame: Json): string {
  return JSON.stringify(frame).replace(/"\\u0001deep:(\d+)"/g, (_match, depth: string) => `${'['.repeat(Number(depth))}${']'.repeat(Number(depth))}`);
}

/** One field changed so it should break the schema; the caller checks it does. */
export function mutate(template: JsonObject, random: Random): JsonObject {
  const root = structuredClone(template);
  const all = paths(root);
  const path = pick(random, all);
  const { parent, key } = parentOf(root, path);
  const current = (parent as Record<string | number, Json>)[key] ?? null;
  const set = (value: Json) => {
    if (Array.isArray(parent)) parent[key as number] = value;
    else define(parent, key as string, value);
  };
  switch (random.int(0, 13)) {
    case 0: // another JSON type
      set(pick(random, OTHER_VALUES.filter((value) => typeof value !== typeof current || Array.isArray(value) !== Array.isArray(current))));
      break;
    case 1: // a huge string
      set(pick(random, ['A', 'é', '😀', '\\', '"', '\u0000']).repeat(random.int(2_000, 100_000)));
      break;
    case 2: // negative
      set(typeof current === 'number' ? -Math.abs(current) - random.int(1, 1e6) : -1);
      break;
    case 3: // fractional, out of range, not finite in JSON terms
      set(pick(random, [0.5, 1e300, -1e300, 2 ** 53 + 2, Number.MIN_VALUE, typeof current === 'number' ? current + 0.25 : 3.5]));
      break;
    case 4: // the number as a string, or the string as a number
      set(typeof current === 'number' ? String(current) : typeof current === 'string' ? Number.parseInt(current, 10) || 7 : '1');
      break;
    case 5: // the same text in other clothes
      set(typeof current === 'string' ? pick(random, [current.toUpperCase(), ` ${current}`, `${current}\n`, current.slice(0, Math.floor(current.length / 2)), `${current}\ud800`, `\u0000${current}`]) : 'x');
      break;
    case 6: // a key too many, in the object at the path or around it
    case 7: {
      const target = isObject(current) ? current : Array.isArray(parent) ? null : parent;
      if (!target) set({ extra: 1 });
      else {
        const name = pick(random, EXTRA_KEYS.filter((k) => !Object.hasOwn(target, k)));
        define(target, name, pick(random, OTHER_VALUES));
      }
      break;
    }
    case 8: // a key missing
    case 9:
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key as string];
      break;
    case 10: // arrays: repeated, or far too long
      if (Array.isArray(current) && current.length > 0) set(random.next() < 0.5 ? [...current, current[0] ?? null] : Array.from({ length: random.int(4_097, 6_000) }, () => current[0] ?? null));
      else set(Array.from({ length: 5_000 }, (_v, i) => i));
      break;
    case 11: // deep nesting
      set(`${DEEP}${random.int(100, 10_000)}`);
      break;
    case 12: // thousands of keys
      set(Object.fromEntries(Array.from({ length: random.int(100, 2_000) }, (_v, i) => [`k${i}`, i])));
      break;
    default: // null where something is required
      set(null);
  }
  return root;
}
