import type { RuleInput, RuleOutcome } from './rule.ts';

/**
 * Idle-only mode: run after N minutes without input, stop on input. Unknown
 * idle time pauses: the user asked for "only when I'm away", and running on a
 * guess would break that promise. Two things stand in for idle time: a locked
 * screen (the user is away), and no desktop session at all (a headless rig has
 * nobody to give the machine back to).
 */
export function idleRule({ limits, signals, now }: RuleInput): RuleOutcome {
  const { idleOnly } = limits;
  if (!idleOnly.enabled) return {};
  if (signals.interactiveSession === false) return { notes: [{ code: 'no-desktop', text: 'No desktop session: idle-only mode does not apply' }] };
  if (signals.screenLocked === true) return { notes: [{ code: 'screen-locked', text: 'Screen locked: counts as idle' }] };
  if (signals.idleSeconds === 'unknown' || !Number.isFinite(signals.idleSeconds)) {
    return { pause: { code: 'idle-unknown', text: 'Paused: idle time is unknown on this system (idle-only mode needs it)' } };
  }
  const needed = idleOnly.minutes * 60;
  const idle = Math.max(0, signals.idleSeconds);
  if (idle >= needed) return {};
  return {
    pause: { code: 'user-active', text: `Paused: you are using the computer (idle-only mode: ${Math.floor(idle / 60)} of ${idleOnly.minutes} minutes idle)` },
    wakeAt: now + Math.ceil((needed - idle) * 1000),
  };
}
