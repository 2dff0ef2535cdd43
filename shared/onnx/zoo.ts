/**
 * Models Hearth generates itself (no weights are downloaded): the reference
 * tensor tasks of the local network, and the models its tests need to make a
 * worker hang or run out of memory on purpose.
 */
import { encodeModel, type Graph } from './model.ts';

/** y = 2·x over a float32 vector of any length. */
export function scaleModel(): Uint8Array {
  return encodeModel({
    metadata: { 'hearth.model': 'scale' },
    graph: {
      name: 'scale',
      inputs: [{ name: 'x', type: 'float32', shape: ['n'] }],
      outputs: [{ name: 'y', type: 'float32', shape: ['n'] }],
      initializers: [{ name: 'two', type: 'float32', dims: [], values: Float32Array.of(2) }],
      nodes: [{ op: 'Mul', inputs: ['x', 'two'], outputs: ['y'] }],
    },
  });
}

/** Deterministic pseudo-random weights (mulberry32), scaled to keep activations small. */
export function seededWeights(count: number, seed: number, scale: number): Float32Array {
  const out = new Float32Array(count);
  let a = seed >>> 0;
  for (let i = 0; i < count; i++) {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = ((((t ^ (t >>> 14)) >>> 0) / 4294967296) * 2 - 1) * scale;
  }
  return out;
}

/** A multi-layer perceptron [batch, 512] → 1024 → 1024 → 1024 → 16, ReLU between. */
export function mlpModel(sizes: number[] = [512, 1024, 1024, 1024, 16], seed = 7): Uint8Array {
  const graph: Graph = {
    name: 'mlp',
    inputs: [{ name: 'x', type: 'float32', shape: ['batch', sizes[0] ?? 0] }],
    outputs: [{ name: 'y', type: 'float32', shape: ['batch', sizes.at(-1) ?? 0] }],
    initializers: [],
    nodes: [],
  };
  let current = 'x';
  for (let layer = 0; layer < sizes.length - 1; layer++) {
    const [inSize, outSize] = [sizes[layer] ?? 0, sizes[layer + 1] ?? 0];
    const last = layer === sizes.length - 2;
    graph.initializers?.push(
      { name: `w${layer}`, type: 'float32', dims: [inSize, outSize], values: seededWeights(inSize * outSize, seed + layer, 1 / Math.sqrt(inSize)) },
      { name: `b${layer}`, type: 'float32', dims: [outSize], values: seededWeights(outSize, seed + 100 + layer, 0.1) },
    );
    graph.nodes.push(
      { op: 'MatMul', inputs: [current, `w${layer}`], outputs: [`mm${layer}`] },
      { op: 'Add', inputs: [`mm${layer}`, `b${layer}`], outputs: [last ? 'y' : `pre${layer}`] },
    );
    if (!last) graph.nodes.push({ op: 'Relu', inputs: [`pre${layer}`], outputs: [`h${layer}`] });
    current = `h${layer}`;
  }
  return encodeModel({ metadata: { 'hearth.model': 'mlp' }, graph });
}

/**
 * Adds 1 to `x`, `iterations` times, in an ONNX Loop: a job that runs for as
 * long as asked — the deadline and pause tests' "hung" model.
 */
export function spinModel(): Uint8Array {
  const body: Graph = {
    name: 'spin_body',
    inputs: [
      { name: 'i', type: 'int64', shape: [] },
      { name: 'cond_in', type: 'bool', shape: [] },
      { name: 'v_in', type: 'float32', shape: [1] },
    ],
    outputs: [
      { name: 'cond_out', type: 'bool', shape: [] },
      { name: 'v_out', type: 'float32', shape: [1] },
    ],
    initializers: [{ name: 'one', type: 'float32', dims: [1], values: Float32Array.of(1) }],
    nodes: [
      { op: 'Identity', inputs: ['cond_in'], outputs: ['cond_out'] },
      { op: 'Add', inputs: ['v_in', 'one'], outputs: ['v_out'] },
    ],
  };
  return encodeModel({
    metadata: { 'hearth.model': 'spin' },
    graph: {
      name: 'spin',
      inputs: [
        { name: 'x', type: 'float32', shape: [1] },
        { name: 'iterations', type: 'int64', shape: [] },
      ],
      outputs: [{ name: 'y', type: 'float32', shape: [1] }],
      initializers: [{ name: 'keep_going', type: 'bool', dims: [], values: Uint8Array.of(1) }],
      nodes: [{ op: 'Loop', inputs: ['iterations', 'keep_going', 'x'], outputs: ['y'], attributes: [{ name: 'body', graph: body }] }],
    },
  });
}

/** Broadcasts `value` to `shape`: asks ONNX Runtime for as much memory as the caller names (the memory-cap test). */
export function allocModel(): Uint8Array {
  return encodeModel({
    metadata: { 'hearth.model': 'alloc' },
    graph: {
      name: 'alloc',
      inputs: [
        { name: 'value', type: 'float32', shape: [1] },
        { name: 'shape', type: 'int64', shape: [1] },
      ],
      outputs: [{ name: 'y', type: 'float32', shape: ['n'] }],
      nodes: [{ op: 'Expand', inputs: ['value', 'shape'], outputs: ['y'] }],
    },
  });
}
