/**
 * The network manifest, served at `/.well-known/hearth-network.json` and
 * fetched at connect: which chain, escrow, token and payer a network pays
 * with, and where its coordinator listens. The node pins the payer on first
 * use (issue 5); a later change is refused until the user accepts it.
 *
 * Unlike protocol messages the manifest is a published document: keys this
 * version does not know are dropped, not refused, so a network can add fields
 * without a protocol version. `protocolVersion` is any positive integer here;
 * whether this node speaks it is `supportsManifest`'s question.
 */
import { z } from 'zod';
import { addressSchema, sameAddress } from '../voucher.ts';
import { PROTOCOL_VERSION } from './version.ts';

export const MANIFEST_PATH = '/.well-known/hearth-network.json';
/** A manifest larger than this is refused unread. */
export const MAX_MANIFEST_BYTES = 64 * 1024;
export const MAX_URL_CHARS = 2048;

function urlSchema(protocols: readonly string[], what: string) {
  return z
    .string()
    .max(MAX_URL_CHARS, `must be at most ${MAX_URL_CHARS} characters`)
    .refine((text) => {
      if (!URL.canParse(text)) return false;
      const url = new URL(text);
      return protocols.includes(url.protocol) && url.username === '' && url.password === '' && url.hostname !== '';
    }, `must be a ${what} URL without credentials`);
}

/** Where the coordinator listens: ws:// or wss://. */
export const coordinatorUrlSchema = urlSchema(['ws:', 'wss:'], 'ws:// or wss://');
/** Where a model is downloaded from: http:// or https:// (the sha256 is what is trusted, not the transport). */
export const httpUrlSchema = urlSchema(['http:', 'https:'], 'http:// or https://');

export const chainIdSchema = z.number().int().positive().max(Number.MAX_SAFE_INTEGER);

export const tokenSchema = z.object({
  address: addressSchema,
  symbol: z.string().regex(/^[A-Za-z0-9.$_-]{1,16}$/, 'must be 1–16 letters, digits or . $ _ -'),
  decimals: z.number().int().min(0).max(36),
});

export const manifestSchema = z.object({
  protocolVersion: z.number().int().positive(),
  chainId: chainIdSchema,
  /** The escrow contract vouchers are redeemed at (it fixes the token). */
  escrow: addressSchema,
  token: tokenSchema,
  /** Who signs vouchers and offers. */
  payer: addressSchema,
  coordinator: coordinatorUrlSchema,
});
export type NetworkManifest = z.output<typeof manifestSchema>;

/** What the coordinator restates in `hello`: the node checks it against the manifest it fetched. */
export const networkSummarySchema = z.strictObject({
  chainId: chainIdSchema,
  escrow: addressSchema,
  token: addressSchema,
  payer: addressSchema,
});
export type NetworkSummary = z.output<typeof networkSummarySchema>;

export function supportsManifest(manifest: NetworkManifest): boolean {
  return manifest.protocolVersion === PROTOCOL_VERSION;
}


/** Whether a `hello`'s summary describes the same network as the manifest (addresses compared case-insensitively). */
export function summaryMatchesManifest(summary: NetworkSummary, manifest: NetworkManifest): boolean {
  return (
    summary.chainId === manifest.chainId &&
    sameAddress(summary.escrow, manifest.escrow) &&
    sameAddress(summary.token, manifest.token.address) &&
    sameAddress(summary.payer, manifest.payer)
  );
}
