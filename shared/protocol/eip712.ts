/**
 * EIP-712 messages of the coordinator protocol, all under the domain
 * `{ name: 'Hearth Network', version: '1', chainId }` (no verifyingContract:
 * they are off-chain; vouchers have their own domain, shared/voucher.ts).
 *
 * - Login: the node proves it holds its node key (a hot key that signs logins
 *   and results and holds no money), for one nonce, to one coordinator, and
 *   names the address its vouchers are made out to (`payee`: the wallet's
 *   address; the zero address while it has no wallet).
 * - Offer: the payer's key vouches for a job: model (by sha256), inputs (by
 *   `hashInputs`), price, deadline. The model id and URL are not signed: the
 *   sha256 is what the node checks the download against.
 * - JobResult: the node's statement that it computed `resultHash`
 *   (`hashOutputs`) for a job at a price (shape from /work/shared/notes/payments.md).
 *
 * Times are milliseconds since the epoch (uint64); money is base units (uint256).
 */
import { hashTypedData, recoverTypedDataAddress } from 'viem';
import type { Address, Hex } from '../voucher.ts';
import { hashCanonical, type JobInputs, type JobOutputs } from './payloads.ts';

export const NETWORK_DOMAIN_NAME = 'Hearth Network';
export const NETWORK_DOMAIN_VERSION = '1';

export interface NetworkDomain {
  name: typeof NETWORK_DOMAIN_NAME;
  version: typeof NETWORK_DOMAIN_VERSION;
  chainId: number;
}

export function networkDomain(chainId: number): NetworkDomain {
  return { name: NETWORK_DOMAIN_NAME, version: NETWORK_DOMAIN_VERSION, chainId };
}

export const loginTypes = {
  Login: [
    { name: 'node', type: 'address' },
    { name: 'payee', type: 'address' },
    { name: 'nonce', type: 'string' },
    { name: 'issuedAt', type: 'uint64' },
    { name: 'coordinator', type: 'string' },
  ],
} as const;

export const offerTypes = {
  Offer: [
    { name: 'jobId', type: 'bytes32' },
    { name: 'task', type: 'string' },
    { name: 'modelSha256', type: 'bytes32' },
    { name: 'inputsHash', type: 'bytes32' },
    { name: 'price', type: 'uint256' },
    { name: 'deadlineAt', type: 'uint64' },
    { name: 'payer', type: 'address' },
  ],
} as const;

export const jobResultTypes = {
  JobResult: [
    { name: 'jobId', type: 'bytes32' },
    { name: 'payee', type: 'address' },
    { name: 'resultHash', type: 'bytes32' },
    { name: 'price', type: 'uint256' },
    { name: 'completedAt', type: 'uint64' },
  ],
} as const;

// ---- payload hashes -------------------------------------------------------------

/**
 * keccak256 of the UTF-8 bytes of the inputs' canonical JSON (payloads.ts,
 * `canonicalJson`: RFC 8785 — sorted keys, no whitespace), in wire form
 * (binary as canonical base64). Keys' order does not matter; array order,
 * every byte of binary data and every character of text do.
 */
export function hashInputs(inputs: JobInputs): Hex {
  return hashCanonical(inputs);
}

/** The same encoding as `hashInputs`, over a result's outputs: the `resultHash` the node signs. */
export function hashOutputs(outputs: JobOutputs): Hex {
  return hashCanonical(outputs);
}

// ---- Login --------------------------------------------------------------------

/** The payee of a node without a wallet: it earns credit, but no voucher can be made out yet. */
export const NO_PAYEE: Address = '0x0000000000000000000000000000000000000000';

export interface LoginFields {
  /** The node key's address (who signs logins and results). */
  node: Address;
  /** Where its vouchers are made out to: the wallet's address, or NO_PAYEE. */
  payee: Address;
  /** The nonce from the coordinator's `hello`. */
  nonce: string;
  issuedAt: number;
  /** The coordinator URL the node connected to (the manifest's `coordinator`). */
  coordinator: string;
}

export function loginTypedData(chainId: number, login: LoginFields) {
  return {
    domain: networkDomain(chainId),
    types: loginTypes,
    primaryType: 'Login',
    message: { node: login.node, payee: login.payee, nonce: login.nonce, issuedAt: BigInt(login.issuedAt), coordinator: login.coordinator },
  } as const;
}

export function loginDigest(chainId: number, login: LoginFields): Hex {
  return hashTypedData(loginTypedData(chainId, login));
}

export function recoverLoginSigner(chainId: number, login: LoginFields, signature: Hex): Promise<Address> {
  return recoverTypedDataAddress({ ...loginTypedData(chainId, login), signature });
}

// ---- Offer -----------------------------------------------------------------------

/** An offer's signed content: the wire offer (messages.ts) has these and more. */
export interface OfferFields {
  jobId: Hex;
  task: string;
  model: { sha256: string };
  inputs: JobInputs;
  price: bigint;
  deadlineAt: number;
  payer: Address;
}

export function offerTypedData(chainId: number, offer: OfferFields) {
  return {
    domain: networkDomain(chainId),
    types: offerTypes,
    primaryType: 'Offer',
    message: {
      jobId: offer.jobId,
      task: offer.task,
      modelSha256: `0x${offer.model.sha256}`,
      inputsHash: hashInputs(offer.inputs),
      price: offer.price,
      deadlineAt: BigInt(offer.deadlineAt),
      payer: offer.payer,
    },
  } as const;
}

export function offerDigest(chainId: number, offer: OfferFields): Hex {
  return hashTypedData(offerTypedData(chainId, offer));
}

/** Who signed the offer; the node compares it with the pinned payer. Throws on a malformed signature. */
export function recoverOfferSigner(chainId: number, offer: OfferFields & { signature: Hex }): Promise<Address> {
  return recoverTypedDataAddress({ ...offerTypedData(chainId, offer), signature: offer.signature });
}

// ---- JobResult --------------------------------------------------------------------

export interface JobResultFields {
  jobId: Hex;
  /** The payee the node logged in with (NO_PAYEE while it has no wallet); signed by the node key. */
  payee: Address;
  resultHash: Hex;
  /** The offer's price. */
  price: bigint;
  completedAt: number;
}

export function jobResultTypedData(chainId: number, result: JobResultFields) {
  return {
    domain: networkDomain(chainId),
    types: jobResultTypes,
    primaryType: 'JobResult',
    message: {
      jobId: result.jobId,
      payee: result.payee,
      resultHash: result.resultHash,
      price: result.price,
      completedAt: BigInt(result.completedAt),
    },
  } as const;
}

export function jobResultDigest(chainId: number, result: JobResultFields): Hex {
  return hashTypedData(jobResultTypedData(chainId, result));
}

export function recoverJobResultSigner(chainId: number, result: JobResultFields, signature: Hex): Promise<Address> {
  return recoverTypedDataAddress({ ...jobResultTypedData(chainId, result), signature });
}

// ---- outputs as hashed ------------------------------------------------------------

/** Whether a result's `resultHash` is the hash of its outputs. */
export function resultHashMatches(result: { outputs: JobOutputs; resultHash: Hex }): boolean {
  return hashOutputs(result.outputs) === result.resultHash;
}
