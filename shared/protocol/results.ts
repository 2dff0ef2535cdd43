/**
 * Between the worker's forms and the wire's: an offer's inputs as the worker
 * takes them, and the worker's answers as a result's outputs. One place, so
 * the node that computes and the coordinator that checks hash the same bytes.
 */
import type { OcrLine, WireTensor } from '../worker-protocol.ts';
import { base64ToBytes, bytesToBase64, decodeTensors, encodeTensors, type JobInputs, type JobOutputs } from './payloads.ts';

export type WorkerInputs =
  | { task: 'tensor'; inputs: Record<string, WireTensor> }
  | { task: 'ocr'; image: Uint8Array }
  | { task: 'embedding'; texts: string[] };

/** A validated offer's inputs, decoded for the worker (copies: the wire text is not shared). */
export function workerInputs(inputs: JobInputs): WorkerInputs {
  switch (inputs.task) {
    case 'tensor':
      return { task: 'tensor', inputs: decodeTensors(inputs.tensors) };
    case 'ocr':
      return { task: 'ocr', image: base64ToBytes(inputs.image) };
    case 'embedding':
      return { task: 'embedding', texts: [...inputs.texts] };
  }
}

/** Tensor outputs in wire form, sorted by name: the same outputs always hash alike, whatever order the worker listed them in. */
export function tensorJobOutputs(outputs: Readonly<Record<string, WireTensor>>): JobOutputs {
  const sorted = Object.fromEntries(Object.entries(outputs).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  return { task: 'tensor', tensors: encodeTensors(sorted) };
}

type Point = [number, number];

/** OCR lines in wire form. Throws on a box that is not four corners (the worker always gives four). */
export function ocrJobOutputs(lines: readonly OcrLine[]): JobOutputs {
  return {
    task: 'ocr',
    lines: lines.map((line) => {
      const [a, b, c, d, ...rest] = line.box;
      if (!a || !b || !c || !d || rest.length > 0) throw new TypeError('an OCR box has four corners');
      const corners: [Point, Point, Point, Point] = [[a[0], a[1]], [b[0], b[1]], [c[0], c[1]], [d[0], d[1]]];
      return { text: line.text, confidence: line.confidence, box: corners, rotated: line.rotated };
    }),
  };
}

/** Row-major [texts, dim] float32 vectors, little-endian (payloads.ts's tensors say why only little-endian hosts). */
export function embeddingJobOutputs(result: { vectors: Float32Array; dims: [number, number]; tokens: readonly number[] }): JobOutputs {
  const { vectors } = result;
  return {
    task: 'embedding',
    dims: [result.dims[0], result.dims[1]],
    vectors: bytesToBase64(new Uint8Array(vectors.buffer, vectors.byteOffset, vectors.byteLength)),
    tokens: [...result.tokens],
  };
}

/** An embedding result's vectors as float32 rows (a copy, aligned). */
export function embeddingVectors(outputs: Extract<JobOutputs, { task: 'embedding' }>): Float32Array {
  return new Float32Array(base64ToBytes(outputs.vectors).buffer);
}
