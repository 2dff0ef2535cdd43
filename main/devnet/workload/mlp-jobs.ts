/**
 * hearth/mlp-small-v1 jobs: a batch through the seeded MLP of
 * shared/onnx/zoo.ts. The expected answer is a plain-JS forward pass over
 * the same seeded weights, in float64; ONNX Runtime works in float32 and may
 * sum in another order, so values are compared with a small tolerance.
 */
import { encodeTensor, type JobInputs } from '../../../shared/protocol/payloads.ts';
import { seededWeights } from '../../../shared/onnx/zoo.ts';
import { MLP_SEED, MLP_SIZES } from './models.ts';
import { randomFloats, type Random } from './random.ts';
import { onlyFloat32, type TensorOutputs } from './tensor-output.ts';
import type { CheckResult } from './types.ts';
import { accept, refuse, show } from './verdict.ts';

export interface MlpExpected {
  kind: 'mlp';
  batch: number;
  /** Row-major [batch, outputs]. */
  y: Float64Array;
}

const MAX_BATCH = 8;
/** |got − want| ≤ TOLERANCE·(1 + |want|): float32 rounding is ~1e-7 relative; a wrong answer is off by far more. */
const TOLERANCE = 1e-4;

interface Layer {
  inSize: number;
  outSize: number;
  /** Row-major [inSize, outSize], as the model's MatMul takes it. */
  weights: Float32Array;
  bias: Float32Array;
}

/** The layers exactly as mlpModel(sizes, seed) makes them: the same seeds, scales and shapes. */
function mlpLayers(sizes: readonly number[], seed: number): Layer[] {
  const layers: Layer[] = [];
  for (let layer = 0; layer < sizes.length - 1; layer++) {
    const [inSize, outSize] = [sizes[layer] ?? 0, sizes[layer + 1] ?? 0];
    layers.push({
      inSize,
      outSize,
      weights: seededWeights(inSize * outSize, seed + layer, 1 / Math.sqrt(inSize)),
      bias: seededWeights(outSize, seed + 100 + layer, 0.1),
    });
  }
  return layers;
}

/** x·W + b per layer, ReLU between layers (not after the last), row by row. */
export function mlpForward(layers: readonly Layer[], x: Float32Array, batch: number): Float64Array {
  let current: Float64Array = Float64Array.from(x);
  for (const [index, { inSize, outSize, weights, bias }] of layers.entries()) {
    const last = index === layers.length - 1;
    const next = new Float64Array(batch * outSize);
    for (let row = 0; row < batch; row++) {
      for (let o = 0; o < outSize; o++) {
        let sum = bias[o] ?? 0;
        for (let i = 0; i < inSize; i++) sum += (current[row * inSize + i] ?? 0) * (weights[i * outSize + o] ?? 0);
        next[row * outSize + o] = last ? sum : Math.max(0, sum);
      }
    }
    current = next;
  }
  return current;
}

const LAYERS = mlpLayers(MLP_SIZES, MLP_SEED);
const IN = MLP_SIZES[0] ?? 0;
const OUT = MLP_SIZES.at(-1) ?? 0;

export function mlpJob(random: Random): { inputs: JobInputs; expected: MlpExpected } {
  const batch = random.int(1, MAX_BATCH);
  const x = randomFloats(random, batch * IN, 1);
  return {
    inputs: { task: 'tensor', tensors: [encodeTensor('x', { type: 'float32', dims: [batch, IN], data: x })] },
    expected: { kind: 'mlp', batch, y: mlpForward(LAYERS, x, batch) },
  };
}

export function checkMlp(expected: MlpExpected, outputs: TensorOutputs): CheckResult {
  const y = onlyFloat32(outputs, 'y', [expected.batch, OUT]);
  if ('reason' in y) return refuse(y.reason);
  for (let i = 0; i < expected.y.length; i++) {
    const got = y.values[i] ?? Number.NaN;
    const want = expected.y[i] ?? Number.NaN;
    // Written so that a NaN fails the test (every comparison with NaN is false).
    if (!(Math.abs(got - want) <= TOLERANCE * (1 + Math.abs(want)))) {
      return refuse(`y[${Math.floor(i / OUT)}, ${i % OUT}] is ${show(got)}, expected ${show(want)} (±${TOLERANCE} relative)`);
    }
  }
  return accept;
}
