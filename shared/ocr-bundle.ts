/**
 * An OCR "model" is a bundle of PaddleOCR's three networks and its character
 * dictionary in one file, so an OCR job names one model (id + sha256 + URL)
 * like every other job. Layout: the 8-byte magic, a little-endian uint32 header
 * length, a JSON header of byte ranges, then the parts.
 */
export const OCR_BUNDLE_MAGIC = 'HOCRBND1';

export interface OcrBundle {
  det: Uint8Array;
  cls: Uint8Array;
  rec: Uint8Array;
  /** The recogniser's dictionary, one character per line (ppocr_keys_v1.txt). */
  keys: string;
}

type Part = 'det' | 'cls' | 'rec' | 'keys';
const PARTS: readonly Part[] = ['det', 'cls', 'rec', 'keys'];

export function encodeOcrBundle(bundle: OcrBundle): Uint8Array {
  const blobs: Record<Part, Uint8Array> = { det: bundle.det, cls: bundle.cls, rec: bundle.rec, keys: new TextEncoder().encode(bundle.keys) };
  let offset = 0;
  const header: Record<string, [number, number]> = {};
  for (const part of PARTS) {
    header[part] = [offset, blobs[part].length];
    offset += blobs[part].length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + 4 + json.length + offset);
  out.set(new TextEncoder().encode(OCR_BUNDLE_MAGIC), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  for (const part of PARTS) out.set(blobs[part], 12 + json.length + (header[part]?.[0] ?? 0));
  return out;
}

export function isOcrBundle(bytes: Uint8Array): boolean {
  return bytes.length >= 12 && new TextDecoder().decode(bytes.subarray(0, 8)) === OCR_BUNDLE_MAGIC;
}

/** Throws a specific error for anything that is not a complete, well-formed bundle. */
export function decodeOcrBundle(bytes: Uint8Array): OcrBundle {
  if (!isOcrBundle(bytes)) throw new Error('not an OCR bundle');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) throw new Error('OCR bundle header is truncated');
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
  } catch {
    throw new Error('OCR bundle header is not valid JSON');
  }
  const base = 12 + headerLength;
  const part = (name: Part): Uint8Array => {
    const range = (header as Record<string, unknown>)?.[name];
    if (!Array.isArray(range) || range.length !== 2 || !range.every((n) => Number.isSafeInteger(n) && n >= 0)) throw new Error(`OCR bundle has no valid "${name}" part`);
    const [start, length] = range as [number, number];
    if (base + start + length > bytes.length) throw new Error(`OCR bundle part "${name}" is truncated`);
    return bytes.subarray(base + start, base + start + length);
  };
  return { det: part('det'), cls: part('cls'), rec: part('rec'), keys: new TextDecoder().decode(part('keys')) };
}
