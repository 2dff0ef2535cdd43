/**
 * hearth/scale-v1 jobs: y = 2·x over a random float32 vector. Doubling a
 * float32 is exact (no rounding, far from overflow), so the answer is known
 * bit for bit and anything else is wrong.
 */
import { encodeTensor, type JobInputs } from '../../../shared/protocol/payloads.ts';
import { randomFloats, type Random } from './random.ts';
import { onlyFloat32, type TensorOutputs } from './tensor-output.ts';
import type { CheckResult } from './types.ts';
import { accept, refuse, show } from './verdict.ts';

export interface ScaleExpected {
  kind: 'scale';
  y: Float32Array;
}

const MIN_LENGTH = 16;
const MAX_LENGTH = 4096;

export function scaleJob(random: Random): { inputs: JobInputs; expected: ScaleExpected } {
  const x = randomFloats(random, random.int(MIN_LENGTH, MAX_LENGTH), 100);
  return {
    inputs: { task: 'tensor', tensors: [encodeTensor('x', { type: 'float32', dims: [x.length], data: x })] },
    expected: { kind: 'scale', y: x.map((value) => value * 2) },
  };
}

export function checkScale(expected: ScaleExpected, outputs: TensorOutputs): CheckResult {
  const y = onlyFloat32(outputs, 'y', [expected.y.length]);
  if ('reason' in y) return refuse(y.reason);
  // Compared as bits: exact, and a NaN or a -0 where 0 belongs is wrong too.
  const got = new Uint32Array(y.values.buffer, y.values.byteOffset, y.values.length);
  const want = new Uint32Array(expected.y.buffer, expected.y.byteOffset, expected.y.length);
  for (let i = 0; i < want.length; i++) {
    if (got[i] !== want[i]) return refuse(`y[${i}] is ${show(y.values[i] ?? Number.NaN, 9)}, expected ${show(expected.y[i] ?? Number.NaN, 9)} (2·x exactly)`);
  }
  return accept;
}
