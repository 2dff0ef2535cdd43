// OCR through the real worker, on the real PaddleOCR models, with images rendered by tests/fixtures/ocr/render.mjs.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundledOcrModel } from '../../../main/models/bundled.ts';
import { WorkerError } from '../../../main/worker/supervisor.ts';
import { encodeOcrBundle, decodeOcrBundle } from '../../../shared/ocr-bundle.ts';
import { scaleModel } from '../../../shared/onnx/zoo.ts';
import { f32, sha256, startSupervisor } from '../../helpers/worker.ts';

const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'ocr');
const EXPECTED = ['Hearth pays for idle GPUs', 'Invoice 2026 total 1234.50'];
// PP-OCRv4's Chinese/English recogniser often drops the space between English words: compare without spaces.
const squash = (text: string): string => text.replace(/\s+/g, '');

let bundle: Uint8Array;
let bundleSha: string;
beforeAll(async () => {
  bundle = await bundledOcrModel();
  bundleSha = sha256(bundle);
});

function upsideDown(png: Buffer): Buffer {
  const image = PNG.sync.read(png);
  const out = new PNG({ width: image.width, height: image.height });
  const pixels = image.width * image.height;
  for (let p = 0; p < pixels; p++) image.data.copy(out.data, (pixels - 1 - p) * 4, p * 4, p * 4 + 4);
  return PNG.sync.write(out);
}

async function failure(promise: Promise<unknown>): Promise<WorkerError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  expect(error).toBeInstanceOf(WorkerError);
  return error as WorkerError;
}

describe('OCR in the worker', () => {
  it.each(['two-lines.png', 'two-lines.jpg'])('reads the known text of %s, with boxes where the lines are', async (file) => {
    const { supervisor } = startSupervisor({ config: { intraOpThreads: 2 } });
    const result = await supervisor.runOcr({ modelSha256: bundleSha, modelBytes: () => bundle, image: readFileSync(join(fixtures, file)), deadlineMs: 30_000 });
    expect(result.lines.map((l) => squash(l.text))).toEqual(EXPECTED.map(squash));
    for (const [i, line] of result.lines.entries()) {
      expect(line.confidence).toBeGreaterThan(0.9);
      expect(line.rotated).toBe(false);
      const [[left, top] = [0, 0], , [right, bottom] = [0, 0]] = line.box;
      // Rendered at x = 30, y = 30 and 110, 40 px text (see render.mjs).
      expect(left).toBeGreaterThan(20);
      expect(left).toBeLessThan(45);
      expect(right).toBeGreaterThan(500);
      expect(top).toBeGreaterThan(i === 0 ? 25 : 105);
      expect(bottom).toBeLessThan(i === 0 ? 90 : 170);
    }
  });

  it('turns an upside-down image before reading it', async () => {
    const { supervisor } = startSupervisor({ config: { intraOpThreads: 2 } });
    const image = upsideDown(readFileSync(join(fixtures, 'two-lines.png')));
    const result = await supervisor.runOcr({ modelSha256: bundleSha, modelBytes: () => bundle, image, deadlineMs: 30_000 });
    const texts = result.lines.map((l) => squash(l.text));
    expect(texts.sort()).toEqual(EXPECTED.map(squash).sort());
    expect(result.lines.every((l) => l.rotated)).toBe(true);
  });

  it.each([
    ['random bytes', () => Uint8Array.from({ length: 500 }, (_, i) => (i * 37) % 251), /neither PNG nor JPEG/],
    ['a PNG cut inside its header', () => readFileSync(join(fixtures, 'two-lines.png')).subarray(0, 20), /PNG image is damaged: it ends inside its header/],
    ['a truncated PNG', () => readFileSync(join(fixtures, 'two-lines.png')).subarray(0, 3000), /PNG image is damaged/],
    ['a truncated JPEG', () => readFileSync(join(fixtures, 'two-lines.jpg')).subarray(0, 2000), /JPEG image is damaged/],
    [
      'a PNG claiming 100,000 × 100,000 pixels',
      () => {
        const png = Buffer.from(readFileSync(join(fixtures, 'two-lines.png')));
        png.writeUInt32BE(100_000, 16);
        png.writeUInt32BE(100_000, 20);
        return png;
      },
      /more than 40 megapixels/,
    ],
  ] as [string, () => Uint8Array, RegExp][])('refuses %s with a specific error, and keeps working', async (_what, image, message) => {
    const { supervisor } = startSupervisor();
    const error = await failure(supervisor.runOcr({ modelSha256: bundleSha, modelBytes: () => bundle, image: image(), deadlineMs: 30_000 }));
    expect(error.code).toBe('invalid_input');
    expect(error.message).toMatch(message);
    const ok = await supervisor.runOcr({ modelSha256: bundleSha, modelBytes: () => bundle, image: readFileSync(join(fixtures, 'two-lines.png')), deadlineMs: 30_000 });
    expect(ok.lines).toHaveLength(2);
  });

  it('refuses a damaged bundle, and jobs of the wrong kind', async () => {
    const { supervisor } = startSupervisor();
    const truncated = bundle.subarray(0, bundle.length - 1000);
    expect((await failure(supervisor.runOcr({ modelSha256: sha256(truncated), modelBytes: () => truncated, image: new Uint8Array(1), deadlineMs: 30_000 }))).code).toBe('model_invalid');
    const scale = scaleModel();
    const ocrOnTensorModel = await failure(supervisor.runOcr({ modelSha256: sha256(scale), modelBytes: () => scale, image: readFileSync(join(fixtures, 'two-lines.png')), deadlineMs: 30_000 }));
    expect(ocrOnTensorModel).toMatchObject({ code: 'invalid_input', message: 'this model is not an OCR bundle' });
    const tensorOnOcr = await failure(supervisor.run({ modelSha256: bundleSha, modelBytes: () => bundle, inputs: { x: f32(1) }, deadlineMs: 30_000 }));
    expect(tensorOnOcr).toMatchObject({ code: 'invalid_input', message: 'this model is an OCR bundle: send an ocr job' });
  });
});

describe('the OCR bundle format', () => {
  it('round-trips, and names what is missing in a damaged one', () => {
    const parts = { det: Uint8Array.of(1, 2), cls: Uint8Array.of(3), rec: Uint8Array.of(4, 5, 6), keys: 'a\nb\n' };
    const decoded = decodeOcrBundle(encodeOcrBundle(parts));
    expect([...decoded.det, ...decoded.cls, ...decoded.rec]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(decoded.keys).toBe('a\nb\n');
    const encoded = encodeOcrBundle(parts);
    expect(() => decodeOcrBundle(encoded.subarray(0, encoded.length - 1))).toThrow(/part "keys" is truncated/);
    expect(() => decodeOcrBundle(Uint8Array.of(1, 2, 3))).toThrow(/not an OCR bundle/);
  });
});
