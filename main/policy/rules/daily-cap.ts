import { formatDuration, formatWhen } from '../format.ts';
import { usedToday } from '../usage.ts';
import { startOfNextDay } from '../zone.ts';
import type { RuleInput, RuleOutcome } from './rule.ts';

const HOUR_MS = 3_600_000;

/** Contributed hours per local day: once reached, pause until the next local day starts. */
export function dailyCapRule({ limits, state, now, zone }: RuleInput): RuleOutcome {
  if (limits.dailyHoursCap === null) return {};
  const cap = Math.round(limits.dailyHoursCap * HOUR_MS);
  const used = usedToday(state.usage, now, zone);
  if (used >= cap) {
    const tomorrow = startOfNextDay(now, zone);
    return { pause: { code: 'daily-cap', text: `Paused: today's ${formatDuration(cap)} cap reached — resumes at ${formatWhen(tomorrow, now, zone)}` }, wakeAt: tomorrow };
  }
  // Reached at the earliest after `cap - used` more running.
  return { notes: [{ code: 'daily-cap-left', text: `Daily cap: ${formatDuration(cap - used)} of ${formatDuration(cap)} left today` }], wakeAt: now + (cap - used) };
}
