/**
 * What an offer must be before the node considers its own state: not past
 * its deadline, from the pinned payer and signed by it, for a task the node
 * announced. And, for a frame that failed the offer schema but names a job,
 * the decline that says why — the coordinator learns at once instead of
 * waiting out its offer timeout.
 *
 * Synchronous on purpose: the offer is checked and, if it passes, stored and
 * accepted in one turn of the event loop, so a repeat of the same offer can
 * never slip in between.
 */
import { hexToBytes } from 'viem';
import { sha256HexSchema, taskKindSchema, type TaskKind } from '../../shared/jobs.ts';
import { offerDigest } from '../../shared/protocol/eip712.ts';
import { httpUrlSchema } from '../../shared/protocol/manifest.ts';
import type { DeclineReason, Offer } from '../../shared/protocol/messages.ts';
import { bytes32Schema, jobInputsSchema } from '../../shared/protocol/payloads.ts';
import { sameAddress, type Address, type Hex } from '../../shared/voucher.ts';
import { recoverSigner } from '../wallet/vouchers.ts';

export interface Decline {
  reason: DeclineReason;
  message: string;
}

/**
 * Who signed the offer. The wallet's WebAssembly recovery (OpenZeppelin's
 * rules: low s, v 27/28) is several times faster than viem's; throws on a
 * malformed signature.
 */
export function offerSigner(chainId: number, offer: Offer): Address {
  return recoverSigner(hexToBytes(offerDigest(chainId, offer)), offer.signature);
}

export function checkOffer(offer: Offer, context: { now: number; chainId: number; payer: Address; tasks: readonly TaskKind[] }): Decline | null {
  if (offer.deadlineAt <= context.now) {
    return { reason: 'deadline_passed', message: `the deadline passed ${context.now - offer.deadlineAt} ms ago` };
  }
  if (!sameAddress(offer.payer, context.payer)) {
    return { reason: 'payer_mismatch', message: `the offer names payer ${offer.payer}, not this network's payer ${context.payer}` };
  }
  let signer: Address;
  try {
    signer = offerSigner(context.chainId, offer);
  } catch {
    return { reason: 'bad_signature', message: 'the offer signature is malformed' };
  }
  if (!sameAddress(signer, context.payer)) {
    return { reason: 'bad_signature', message: `the offer is signed by ${signer}, not by the payer` };
  }
  if (!context.tasks.includes(offer.task)) {
    return { reason: 'unknown_task', message: `this node does not run ${offer.task} jobs` };
  }
  return null;
}

/**
 * An `offer` frame that failed the schema: its job id when it has a readable
 * one, and the decline that fits the first thing wrong with it. Null when
 * there is no job id to answer.
 */
export function triageInvalidOffer(raw: unknown): (Decline & { jobId: Hex }) | null {
  const offer = field(field(raw, 'offer'), null);
  const jobId = field(offer, 'jobId');
  if (!bytes32Schema.safeParse(jobId).success) return null;
  const id = jobId as Hex;
  const task = field(offer, 'task');
  if (!taskKindSchema.safeParse(task).success) return { jobId: id, reason: 'unknown_task', message: 'the offer names no task this node knows' };
  const model = field(offer, 'model');
  if (!sha256HexSchema.safeParse(field(model, 'sha256')).success || !httpUrlSchema.safeParse(field(model, 'url')).success) {
    return { jobId: id, reason: 'model_unavailable', message: "the offer's model has no valid sha256 or download URL" };
  }
  const inputs = jobInputsSchema.safeParse(field(offer, 'inputs'));
  if (!inputs.success || inputs.data.task !== task) return { jobId: id, reason: 'inputs_invalid', message: "the offer's inputs are invalid" };
  const signature = field(offer, 'signature');
  if (typeof signature !== 'string' || !/^0x[0-9a-fA-F]{130}$/.test(signature)) return { jobId: id, reason: 'bad_signature', message: 'the offer signature is malformed' };
  return { jobId: id, reason: 'inputs_invalid', message: 'the offer does not match the protocol schema' };
}

/** `value[key]` of a plain object, or undefined; `key` null returns the value itself when it is an object. */
function field(value: unknown, key: string | null): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  if (key === null) return value;
  return Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
}
