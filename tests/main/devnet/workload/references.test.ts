// resources/devnet/embeddings.json still matches the embedder Hearth generates today: recomputed
// with the real worker, so a change to the generator, the tokenizer or ONNX Runtime is caught here
// (run `node resources/devnet/embeddings.ts` to refresh it).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { devnetResources, embeddingReferencesSchema, loadEmbeddingReferences } from '../../../../main/devnet/workload/corpus.ts';
import { embedderModel } from '../../../../main/devnet/workload/models.ts';
import { startSupervisor } from '../../../helpers/worker.ts';

const model = embedderModel();

describe('the reference sentence embeddings', () => {
  it('were computed with the current generated embedder', () => {
    const file = embeddingReferencesSchema.parse(JSON.parse(readFileSync(join(devnetResources(), 'embeddings.json'), 'utf8')));
    expect({ model: file.model, sha256: file.sha256 }).toEqual({ model: model.id, sha256: model.sha256 });
    expect(new Set(file.references.map((r) => r.text)).size).toBe(file.references.length);
    expect(file.references.length).toBeGreaterThanOrEqual(64);
  });

  it('match what the worker computes now', async () => {
    const references = loadEmbeddingReferences(model);
    const { supervisor } = startSupervisor();
    for (const reference of references) {
      const now = await supervisor.runEmbedding({ modelSha256: model.sha256, modelBytes: () => model.bytes, texts: [reference.text], deadlineMs: 30_000 });
      expect(now.tokens, reference.text).toEqual([reference.tokens]);
      expect(now.dims).toEqual([1, reference.vector.length]);
      for (const [d, value] of reference.vector.entries()) expect(Math.abs((now.vectors[d] ?? Number.NaN) - value), `${reference.text} [${d}]`).toBeLessThanOrEqual(1e-5);
    }
  });

  it('are refused when made with another embedder', () => {
    expect(() => loadEmbeddingReferences({ ...model, sha256: '0'.repeat(64) })).toThrow(/was computed with hearth\/embedder-mini-v1 [0-9a-f]{64}, not .*: run node resources\/devnet\/embeddings\.ts/);
  });
});
