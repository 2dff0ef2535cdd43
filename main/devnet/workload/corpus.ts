/**
 * The committed corpora the workload checks answers against, read from
 * resources/devnet/ under the app's root (so the built app finds them too):
 * OCR images with their known text, and reference sentence embeddings. They
 * are files, not computed here: nothing runs ONNX in the coordinator.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { base64ToBytes, bytesToBase64 } from '../../../shared/protocol/payloads.ts';
import { appRoot } from '../../worker/entry.ts';
import type { EmbeddingReference } from './embedding-jobs.ts';
import type { OcrDocument } from './ocr-jobs.ts';
import type { DemoModel } from './types.ts';

export function devnetResources(root = appRoot()): string {
  return join(root, 'resources', 'devnet');
}

const ocrTextsSchema = z
  .array(z.strictObject({ file: z.string().regex(/^[a-z0-9-]+\.png$/), lines: z.array(z.string().min(1)).min(1) }))
  .min(1);

/** resources/devnet/ocr/: texts.json and the PNGs it names (written by render-ocr.mjs). */
export function loadOcrCorpus(dir = devnetResources()): OcrDocument[] {
  const texts = ocrTextsSchema.parse(JSON.parse(readFileSync(join(dir, 'ocr', 'texts.json'), 'utf8')));
  return texts.map(({ file, lines }) => ({ file, lines, image: bytesToBase64(readFileSync(join(dir, 'ocr', file))) }));
}

export const embeddingReferencesSchema = z.strictObject({
  model: z.string(),
  /** The bundle the references were computed with: a changed embedder makes them stale. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  dim: z.number().int().positive(),
  references: z.array(z.strictObject({ text: z.string().min(1), tokens: z.number().int().positive(), vector: z.string() })).min(1),
});
export type EmbeddingReferencesFile = z.output<typeof embeddingReferencesSchema>;

/** resources/devnet/embeddings.json, refused if it was computed with another embedder than `model`. */
export function loadEmbeddingReferences(model: DemoModel, dir = devnetResources()): EmbeddingReference[] {
  const file = embeddingReferencesSchema.parse(JSON.parse(readFileSync(join(dir, 'embeddings.json'), 'utf8')));
  if (file.model !== model.id || file.sha256 !== model.sha256) {
    throw new Error(`resources/devnet/embeddings.json was computed with ${file.model} ${file.sha256}, not ${model.id} ${model.sha256}: run node resources/devnet/embeddings.ts`);
  }
  return file.references.map(({ text, tokens, vector }) => {
    const values = new Float32Array(base64ToBytes(vector).buffer);
    if (values.length !== file.dim) throw new Error(`embeddings.json: the vector of ${JSON.stringify(text)} has ${values.length} values, not ${file.dim}`);
    return { text, tokens, vector: values };
  });
}
