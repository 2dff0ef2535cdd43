/**
 * Checking a node's `login`: its EIP-712 Login is signed by the node key it
 * names, for this connection's nonce, recently (|issuedAt − now| ≤ 5 min), and
 * for this coordinator's WebSocket URL (origin and path), so a login captured
 * elsewhere cannot be replayed here.
 */
import { NO_PAYEE, recoverLoginSigner } from '../../../shared/protocol/eip712.ts';
import type { NodeMessageOf } from '../../../shared/protocol/messages.ts';
import { sameAddress, type Address } from '../../../shared/voucher.ts';
import { errorMessage } from '../../../shared/errors.ts';

export const LOGIN_MAX_SKEW_MS = 5 * 60_000;

export type LoginCheck = { ok: true; node: Address; payee: Address | null } | { ok: false; reason: string };

/** Origin plus path: what must match between the URL a node signed and ours (query and fragment are not part of where it connects). */
function place(url: string): string | undefined {
  if (!URL.canParse(url)) return undefined;
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}

export async function checkLogin(
  login: NodeMessageOf<'login'>,
  expected: { nonce: string; chainId: number; wsUrl: string; now: number },
): Promise<LoginCheck> {
  if (login.nonce !== expected.nonce) return { ok: false, reason: 'the nonce is not the one this connection was given' };
  if (Math.abs(login.issuedAt - expected.now) > LOGIN_MAX_SKEW_MS) {
    return { ok: false, reason: `issuedAt is more than ${LOGIN_MAX_SKEW_MS / 60_000} minutes from the coordinator's clock (${expected.now})` };
  }
  if (place(login.coordinator) !== place(expected.wsUrl)) return { ok: false, reason: `the login is for ${login.coordinator}, not this coordinator (${expected.wsUrl})` };
  // The zero address is how the signed Login says "no payee": the same as null.
  const payee = login.payee === null || sameAddress(login.payee, NO_PAYEE) ? null : login.payee;
  let signer: Address;
  try {
    const fields = { node: login.address, payee: payee ?? NO_PAYEE, nonce: login.nonce, issuedAt: login.issuedAt, coordinator: login.coordinator };
    signer = await recoverLoginSigner(expected.chainId, fields, login.signature);
  } catch (error) {
    return { ok: false, reason: `the signature cannot be read: ${errorMessage(error)}` };
  }
  if (!sameAddress(signer, login.address)) return { ok: false, reason: `the login is signed by ${signer}, not by ${login.address}` };
  return { ok: true, node: login.address.toLowerCase() as Address, payee: payee === null ? null : (payee.toLowerCase() as Address) };
}
