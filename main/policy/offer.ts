import type { Limits } from '../../shared/limits.ts';

export interface OfferVerdict {
  accept: boolean;
  code: 'no-minimum' | 'meets-minimum' | 'below-minimum';
  /** Amounts in base units: formatting money for people is the renderer's job (ARCHITECTURE.md, "Money"). */
  text: string;
}

/** The price floor: a job paying less per hour than the user's minimum is declined. */
export function acceptsOffer(limits: Pick<Limits, 'minPricePerHour'>, pricePerHour: bigint): OfferVerdict {
  const minimum = limits.minPricePerHour;
  if (minimum === null) return { accept: true, code: 'no-minimum', text: 'Accepted: no minimum price set' };
  if (pricePerHour >= minimum) return { accept: true, code: 'meets-minimum', text: `Accepted: ${pricePerHour} per hour meets your minimum of ${minimum} (base units)` };
  return { accept: false, code: 'below-minimum', text: `Declined: ${pricePerHour} per hour is below your minimum of ${minimum} (base units)` };
}
