/**
 * The model registry: GET /models/<sha256> serves the workload's model bytes,
 * named by their hash (the node checks the download against the sha256 in the
 * signed offer, so the transport need not be trusted). Hashes are checked once
 * at start: a registry that served bytes not matching their name would have
 * every node refuse every job.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DemoModel } from '../workload/types.ts';

export const MODELS_PATH = '/models/';
const SHA256 = /^[0-9a-f]{64}$/;

export class ModelRegistry {
  readonly #bySha = new Map<string, DemoModel>();

  constructor(models: readonly DemoModel[]) {
    for (const model of models) {
      const actual = createHash('sha256').update(model.bytes).digest('hex');
      if (actual !== model.sha256) throw new Error(`the workload's model ${model.id} is named ${model.sha256} but its bytes hash to ${actual}`);
      this.#bySha.set(model.sha256, model);
    }
  }

  get size(): number {
    return this.#bySha.size;
  }

  /** Answers GET/HEAD /models/<sha256>; 404 for any other name. */
  serve(path: string, request: IncomingMessage, response: ServerResponse): void {
    const sha = path.slice(MODELS_PATH.length);
    const model = SHA256.test(sha) ? this.#bySha.get(sha) : undefined;
    if (!model) {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('no such model\n');
      return;
    }
    response.writeHead(200, {
      'content-type': 'application/octet-stream',
      'content-length': model.bytes.length,
      // The name is the content: it never changes.
      'cache-control': 'public, max-age=31536000, immutable',
      etag: `"${model.sha256}"`,
      'x-content-sha256': model.sha256,
    });
    if (request.method === 'HEAD') response.end();
    else response.end(model.bytes);
  }
}
