import { ApiError } from '../../shared/api.ts';
import { errorMessage } from '../../shared/errors.ts';

/** A failed call as one sentence for people: the problems of invalid input, or the node's message. */
export function describeError(error: unknown): string {
  if (error instanceof ApiError && error.code === 'invalid_input' && error.issues && error.issues.length > 0) {
    return sentence(error.issues.join('; '));
  }
  return sentence(errorMessage(error));
}

/** The `reason` of a `refused` answer (wrong_passphrase, insufficient_balance, …). */
export function refusal(error: unknown): string | undefined {
  return error instanceof ApiError && error.code === 'refused' ? error.reason : undefined;
}

export function sentence(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') return trimmed;
  const first = trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
  return /[.!?)]$/.test(first) ? first : `${first}.`;
}
