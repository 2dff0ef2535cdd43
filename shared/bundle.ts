/**
 * A model that is more than one file (OCR's three networks and dictionary; an
 * embedder's network and tokenizer) travels as one bundle, so every job names
 * exactly one model (id + sha256 + URL). Layout: an 8-byte magic, a
 * little-endian uint32 header length, a JSON header of byte ranges, the parts.
 */
export function encodeBundle(magic: string, parts: Record<string, Uint8Array | string>): Uint8Array {
  if (magic.length !== 8) throw new Error('a bundle magic is 8 ASCII characters');
  const blobs = Object.entries(parts).map(([name, part]) => [name, typeof part === 'string' ? new TextEncoder().encode(part) : part] as const);
  const header: Record<string, [number, number]> = {};
  let offset = 0;
  for (const [name, blob] of blobs) {
    header[name] = [offset, blob.length];
    offset += blob.length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(12 + json.length + offset);
  out.set(new TextEncoder().encode(magic), 0);
  new DataView(out.buffer).setUint32(8, json.length, true);
  out.set(json, 12);
  for (const [name, blob] of blobs) out.set(blob, 12 + json.length + (header[name]?.[0] ?? 0));
  return out;
}

export function hasMagic(bytes: Uint8Array, magic: string): boolean {
  return bytes.length >= 12 && new TextDecoder().decode(bytes.subarray(0, 8)) === magic;
}

/** The named parts; throws a specific error for anything not complete and well-formed. */
export function decodeBundle<const Name extends string>(bytes: Uint8Array, magic: string, names: readonly Name[], what: string): Record<Name, Uint8Array> {
  if (!hasMagic(bytes, magic)) throw new Error(`not an ${what}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) throw new Error(`${what} header is truncated`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength)));
  } catch {
    throw new Error(`${what} header is not valid JSON`);
  }
  const base = 12 + headerLength;
  const out = {} as Record<Name, Uint8Array>;
  for (const name of names) {
    const range = (header as Record<string, unknown>)?.[name];
    if (!Array.isArray(range) || range.length !== 2 || !range.every((n) => Number.isSafeInteger(n) && n >= 0)) throw new Error(`${what} has no valid "${name}" part`);
    const [start, length] = range as [number, number];
    if (base + start + length > bytes.length) throw new Error(`${what} part "${name}" is truncated`);
    out[name] = bytes.subarray(base + start, base + start + length);
  }
  return out;
}
