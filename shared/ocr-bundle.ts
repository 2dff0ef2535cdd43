import { decodeBundle, encodeBundle, hasMagic } from './bundle.ts';

/** PaddleOCR's three networks and its character dictionary, as one model (see bundle.ts). */
export const OCR_BUNDLE_MAGIC = 'HOCRBND1';

export interface OcrBundle {
  det: Uint8Array;
  cls: Uint8Array;
  rec: Uint8Array;
  /** The recogniser's dictionary, one character per line (ppocr_keys_v1.txt). */
  keys: string;
}

export function encodeOcrBundle(bundle: OcrBundle): Uint8Array {
  return encodeBundle(OCR_BUNDLE_MAGIC, { det: bundle.det, cls: bundle.cls, rec: bundle.rec, keys: bundle.keys });
}

export function isOcrBundle(bytes: Uint8Array): boolean {
  return hasMagic(bytes, OCR_BUNDLE_MAGIC);
}

export function decodeOcrBundle(bytes: Uint8Array): OcrBundle {
  const parts = decodeBundle(bytes, OCR_BUNDLE_MAGIC, ['det', 'cls', 'rec', 'keys'], 'OCR bundle');
  return { det: parts.det, cls: parts.cls, rec: parts.rec, keys: new TextDecoder().decode(parts.keys) };
}
