/**
 * The demo workload's models, all made or shipped locally (nothing is
 * downloaded): the registry serves these bytes, named by their sha256.
 */
import { createHash } from 'node:crypto';
import type { TaskKind } from '../../../shared/jobs.ts';
import { encodeEmbeddingBundle } from '../../../shared/embedding-bundle.ts';
import { generatedEmbedder } from '../../../shared/onnx/embedder.ts';
import { mlpModel, scaleModel } from '../../../shared/onnx/zoo.ts';
import { bundledOcrModel } from '../../models/bundled.ts';
import type { DemoModel } from './types.ts';

export const MODEL_IDS = {
  ocr: 'paddleocr/ppocr-v4',
  embedder: 'hearth/embedder-mini-v1',
  scale: 'hearth/scale-v1',
  mlp: 'hearth/mlp-small-v1',
} as const;

/** The small MLP's layer sizes and weight seed: fixed, so its sha256 (and nodes' caches) stay the same across runs. */
export const MLP_SIZES: readonly number[] = [64, 128, 16];
export const MLP_SEED = 7;

export interface DemoModels {
  ocr: DemoModel;
  embedder: DemoModel;
  scale: DemoModel;
  mlp: DemoModel;
}

function demoModel(id: string, task: TaskKind, bytes: Uint8Array): DemoModel {
  return { id, task, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** The generated sentence embedder (also what resources/devnet/embeddings.ts computes references with). */
export function embedderModel(): DemoModel {
  return demoModel(MODEL_IDS.embedder, 'embedding', encodeEmbeddingBundle(generatedEmbedder()));
}

export async function demoModels(): Promise<DemoModels> {
  return {
    ocr: demoModel(MODEL_IDS.ocr, 'ocr', await bundledOcrModel()),
    embedder: embedderModel(),
    scale: demoModel(MODEL_IDS.scale, 'tensor', scaleModel()),
    mlp: demoModel(MODEL_IDS.mlp, 'tensor', mlpModel([...MLP_SIZES], MLP_SEED)),
  };
}
