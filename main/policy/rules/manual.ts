import { formatWhen } from '../format.ts';
import { isManualPauseActive } from '../manual-pause.ts';
import type { RuleInput, RuleOutcome } from './rule.ts';

/** The user's own pause beats every other reason: it is the headline while it lasts. */
export function manualRule({ state, now, zone }: RuleInput): RuleOutcome {
  const pause = state.manualPause;
  if (!isManualPauseActive(pause, now)) return {};
  if (pause.until === null) return { pause: { code: 'manual-pause', text: 'Paused by you until you resume' } };
  return { pause: { code: 'manual-pause', text: `Paused by you until ${formatWhen(pause.until, now, zone)}` }, wakeAt: pause.until };
}
