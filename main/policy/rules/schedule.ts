import { describeWindow } from '../../../shared/limits.ts';
import { formatWhen } from '../format.ts';
import { scheduleStatus } from '../schedule.ts';
import { startOfNextDay } from '../zone.ts';
import type { RuleInput, RuleOutcome } from './rule.ts';

/** Outside every window: wait for the next one, and say which. */
export function scheduleRule({ limits, now, zone }: RuleInput): RuleOutcome {
  if (!limits.schedule.enabled) return {};
  const { active, occurrence, changesAt } = scheduleStatus(limits.schedule, now, zone);
  if (active && occurrence) {
    const window = describeWindow(occurrence.day, occurrence.window);
    const text = changesAt === null ? `Schedule: always on (${window})` : `Schedule: running until ${formatWhen(changesAt, now, zone)} (${window})`;
    return { notes: [{ code: 'schedule-window', text }], wakeAt: changesAt };
  }
  if (!occurrence) {
    // Only when every window of the coming week fell into DST gaps: look again tomorrow.
    return { pause: { code: 'outside-schedule', text: 'Paused: no schedule window in the coming week' }, wakeAt: startOfNextDay(now, zone) };
  }
  return {
    pause: { code: 'outside-schedule', text: `Waiting for the ${formatWhen(occurrence.start, now, zone)} window (${describeWindow(occurrence.day, occurrence.window)})` },
    wakeAt: occurrence.start,
  };
}
