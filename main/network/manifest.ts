/**
 * The network manifest (`<networkUrl>/.well-known/hearth-network.json`),
 * fetched at every connect: read with a size cap and a timeout, checked
 * against its schema and our protocol version. And the payer pin: the terms a
 * network pays under (chain, escrow, token, payer) are pinned on first use in
 * node_state; a network announcing other terms is refused until the user
 * accepts them, so a compromised or swapped coordinator cannot quietly make the
 * node work for a payer it never agreed to.
 */
import { getAddress } from 'viem';
import { z } from 'zod';
import { MANIFEST_PATH, MAX_MANIFEST_BYTES, manifestSchema, supportsManifest, type NetworkManifest } from '../../shared/protocol/manifest.ts';
import { PROTOCOL_VERSION } from '../../shared/protocol/version.ts';
import { addressSchema, sameAddress, type Address } from '../../shared/voucher.ts';
import { errorMessage } from '../../shared/errors.ts';

export const MANIFEST_TIMEOUT_MS = 10_000;

export type ManifestErrorKind = 'unreachable' | 'too_large' | 'invalid' | 'incompatible';

export class ManifestError extends Error {
  override name = 'ManifestError';
  readonly kind: ManifestErrorKind;
  constructor(kind: ManifestErrorKind, message: string) {
    super(message);
    this.kind = kind;
  }
}

/** Where a network's manifest is: the path under the network URL (a trailing slash or not). */
export function manifestUrl(networkUrl: string): string {
  return `${networkUrl.replace(/\/+$/, '')}${MANIFEST_PATH}`;
}

export async function fetchManifest(
  networkUrl: string,
  options: { fetch?: typeof fetch; timeoutMs?: number } = {},
): Promise<NetworkManifest> {
  const url = manifestUrl(networkUrl);
  const signal = AbortSignal.timeout(options.timeoutMs ?? MANIFEST_TIMEOUT_MS);
  let text: string;
  try {
    const response = await (options.fetch ?? fetch)(url, { signal, headers: { accept: 'application/json' } });
    if (!response.ok) {
      await response.body?.cancel();
      throw new ManifestError('unreachable', `the network manifest at ${url} answered HTTP ${response.status}`);
    }
    text = await readCapped(response, url);
  } catch (error) {
    if (error instanceof ManifestError) throw error;
    throw new ManifestError('unreachable', `the network manifest at ${url} could not be fetched: ${errorMessage(error)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ManifestError('invalid', `the network manifest at ${url} is not JSON`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ManifestError('invalid', `the network manifest at ${url} is invalid (${issue ? `${issue.path.join('.') || 'top level'}: ${issue.message}` : 'unknown problem'})`);
  }
  if (!supportsManifest(parsed.data)) {
    throw new ManifestError(
      'incompatible',
      `the network speaks protocol version ${parsed.data.protocolVersion}; this Hearth speaks ${PROTOCOL_VERSION} (update Hearth, or pick another network)`,
    );
  }
  return parsed.data;
}

/** The body as text, refusing past MAX_MANIFEST_BYTES without reading the rest. */
async function readCapped(response: Response, url: string): Promise<string> {
  const tooLarge = () => new ManifestError('too_large', `the network manifest at ${url} is larger than ${MAX_MANIFEST_BYTES} bytes`);
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  if (declared > MAX_MANIFEST_BYTES) {
    await response.body?.cancel();
    throw tooLarge();
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_MANIFEST_BYTES) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

// ---- the payer pin ------------------------------------------------------------------

/** What a network pays under; addresses in EIP-55 spelling (how the stores find them again). */
export interface NetworkTerms {
  chainId: number;
  escrow: Address;
  token: Address;
  payer: Address;
}

export const networkTermsSchema = z.object({
  chainId: z.number().int().positive(),
  escrow: addressSchema,
  token: addressSchema,
  payer: addressSchema,
});

export function termsOf(manifest: NetworkManifest): NetworkTerms {
  return { chainId: manifest.chainId, escrow: getAddress(manifest.escrow), token: getAddress(manifest.token.address), payer: getAddress(manifest.payer) };
}

export type PinVerdict = { kind: 'first_use' } | { kind: 'same' } | { kind: 'changed'; pinned: NetworkTerms; announced: NetworkTerms };

/** Whether announced terms are the pinned ones (addresses compared case-insensitively). */
export function comparePin(pinned: NetworkTerms | undefined, announced: NetworkTerms): PinVerdict {
  if (!pinned) return { kind: 'first_use' };
  const same =
    pinned.chainId === announced.chainId &&
    sameAddress(pinned.escrow, announced.escrow) &&
    sameAddress(pinned.token, announced.token) &&
    sameAddress(pinned.payer, announced.payer);
  return same ? { kind: 'same' } : { kind: 'changed', pinned, announced };
}

/** The slice of node_state the pin needs (NodeStateRepository fits). */
export interface PinStore {
  get<T extends z.ZodType>(key: string, schema: T): z.output<T> | undefined;
  set(key: string, value: unknown, now?: number): void;
}

/** The node_state key of a network's pin. `scope` names the network (its URL, or a fixed name for the embedded one). */
export function pinKey(scope: string): string {
  return `network.pin:${scope}`;
}

export function readPin(store: PinStore, scope: string): NetworkTerms | undefined {
  return store.get(pinKey(scope), networkTermsSchema);
}

export function writePin(store: PinStore, scope: string, terms: NetworkTerms, now: number): void {
  store.set(pinKey(scope), terms, now);
}
