// Worker ↔ wire conversions: what a node sends is what a coordinator checks and hashes.
import { describe, expect, it } from 'vitest';
import { hashOutputs } from '../../../shared/protocol/eip712.ts';
import { encodeTensor, jobInputsSchema, jobOutputsSchema } from '../../../shared/protocol/payloads.ts';
import { embeddingJobOutputs, embeddingVectors, ocrJobOutputs, tensorJobOutputs, workerInputs } from '../../../shared/protocol/results.ts';
import type { WireTensor } from '../../../shared/worker-protocol.ts';

const f32 = (...values: number[]): WireTensor => ({ type: 'float32', dims: [values.length], data: Float32Array.from(values) });

describe('worker ↔ wire conversions', () => {
  it('sorts tensor outputs by name, so the same outputs hash alike in any order', () => {
    const a = tensorJobOutputs({ y: f32(1, 2), b: f32(3), __proto__x: f32(4) });
    const b = tensorJobOutputs({ __proto__x: f32(4), b: f32(3), y: f32(1, 2) });
    expect(a.task === 'tensor' && a.tensors.map((t) => t.name)).toEqual(['__proto__x', 'b', 'y']);
    expect(hashOutputs(a)).toBe(hashOutputs(b));
    expect(jobOutputsSchema.safeParse(a).success).toBe(true);
  });

  it('decodes an offer’s inputs for the worker, as copies', () => {
    const tensor = workerInputs(jobInputsSchema.parse({ task: 'tensor', tensors: [encodeTensor('x', f32(1.5, -2))] }));
    expect(tensor.task === 'tensor' && [...(tensor.inputs.x?.data ?? [])]).toEqual([1.5, -2]);
    const texts = ['a', 'b'];
    const embedding = workerInputs({ task: 'embedding', texts });
    expect(embedding.task === 'embedding' && embedding.texts !== texts && embedding.texts).toEqual(texts);
    const ocr = workerInputs({ task: 'ocr', image: 'iVBORw0KGgo=' });
    expect(ocr.task === 'ocr' && [...ocr.image.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
  });

  it('keeps OCR lines, and refuses a box that is not four corners', () => {
    const line = { text: 'Total 12.50', confidence: 0.97, box: [[1, 2], [30, 2], [30, 12], [1, 12]] as [number, number][], rotated: false };
    const out = ocrJobOutputs([line]);
    expect(out).toEqual({ task: 'ocr', lines: [line] });
    expect(jobOutputsSchema.safeParse(out).success).toBe(true);
    expect(() => ocrJobOutputs([{ ...line, box: line.box.slice(0, 3) }])).toThrow(/four corners/);
    expect(() => ocrJobOutputs([{ ...line, box: [...line.box, [0, 0]] }])).toThrow(/four corners/);
  });

  it('round-trips embedding vectors, also from a view into a larger buffer', () => {
    const backing = Float32Array.from({ length: 10 }, (_, i) => i / 10);
    const vectors = backing.subarray(2, 8); // [2, 3], at a byte offset
    const out = embeddingJobOutputs({ vectors, dims: [2, 3], tokens: [5, 7] });
    expect(jobOutputsSchema.safeParse(out).success).toBe(true);
    expect(out.task === 'embedding' && [...embeddingVectors(out)]).toEqual([...vectors]);
  });
});
