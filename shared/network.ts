/**
 * The network as the UI sees it: which network the node works for, whether it
 * is connected, and the payer it pinned. Jobs and their totals are in
 * shared/jobs.ts.
 */
import { z } from 'zod';
import { addressSchema } from './voucher.ts';

export const networkStates = ['stopped', 'connecting', 'connected', 'disconnected', 'payer_changed', 'incompatible'] as const;
export const networkStateSchema = z.enum(networkStates);
export type NetworkState = z.infer<typeof networkStateSchema>;

const termsSchema = z.object({
  chainId: z.number().int().positive(),
  escrow: addressSchema,
  token: addressSchema,
  payer: addressSchema,
});
export type NetworkTerms = z.infer<typeof termsSchema>;

export const networkStatusSchema = z.object({
  state: networkStateSchema,
  /** True for the embedded local network (the default). */
  local: z.boolean(),
  /** The network's URL (where its manifest is); null until known. */
  networkUrl: z.string().nullable(),
  coordinatorUrl: z.string().nullable(),
  since: z.number().int().nonnegative(),
  /** What went wrong last, in plain words; null when nothing did. */
  lastError: z.string().nullable(),
  /** When the next connection attempt is due, while disconnected. */
  nextRetryAt: z.number().int().nonnegative().nullable(),
  /** The terms pinned on first use: who pays, on which chain and escrow. */
  pinned: termsSchema.nullable(),
  /** While `payer_changed`: what the network now announces, waiting for the user to accept it. */
  announced: termsSchema.nullable(),
  /** Where vouchers are made out to: the wallet's address, or null without a wallet (credit only). */
  payee: addressSchema.nullable(),
  /** The node key's address: who the network knows this node as. */
  nodeAddress: addressSchema.nullable(),
  inFlight: z.number().int().nonnegative(),
});
export type NetworkStatus = z.infer<typeof networkStatusSchema>;
