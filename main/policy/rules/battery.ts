import type { RuleInput, RuleOutcome } from './rule.ts';

/**
 * On battery: pause (default) or continue. An unknown power source does not
 * pause: desktops have no battery, and a sensor failure must not stop a rig;
 * it is shown, so a laptop owner learns the limit cannot be checked.
 */
export function batteryRule({ limits, signals }: RuleInput): RuleOutcome {
  if (signals.onBattery === 'unknown') {
    return limits.onBattery === 'pause'
      ? { notes: [{ code: 'power-unknown', text: 'Power source unknown: cannot tell whether this computer runs on battery' }] }
      : {};
  }
  if (!signals.onBattery) return {};
  if (limits.onBattery === 'pause') return { pause: { code: 'battery', text: 'Paused: on battery' } };
  return { notes: [{ code: 'on-battery-allowed', text: 'On battery: running anyway (your setting)' }] };
}
