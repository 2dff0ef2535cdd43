/** How checks say yes and no: reasons are for people reading a coordinator's log, so they name what was wrong. */
import type { CheckResult } from './types.ts';

export const accept: CheckResult = { ok: true };

export function refuse(reason: string): CheckResult {
  return { ok: false, reason };
}

/** A text from a result, quoted and cut short: a hostile node's 4,000-character line must not flood the log. */
export function quote(text: string, max = 80): string {
  return JSON.stringify(text.length > max ? `${text.slice(0, max)}…` : text);
}

/** A number as a reason shows it: 7 significant digits read well; 9 tell any two float32 values apart. */
export function show(value: number, digits = 7): string {
  return Number.isFinite(value) ? String(Number(value.toPrecision(digits))) : String(value);
}
