import { isKnownTimeZone, type Limits } from '../../shared/limits.ts';
import { budgetFor } from './budget.ts';
import { reasonKinds, type Decision, type PolicyMemory, type PolicyState, type Reason } from './decision.ts';
import { batteryRule } from './rules/battery.ts';
import { dailyCapRule } from './rules/daily-cap.ts';
import { gamingRule } from './rules/gaming.ts';
import { idleRule } from './rules/idle.ts';
import { manualRule } from './rules/manual.ts';
import type { Rule } from './rules/rule.ts';
import { scheduleRule } from './rules/schedule.ts';
import { thermalRule } from './rules/thermal.ts';
import type { OsSignalsSnapshot } from './signals.ts';
import { isUsableZone } from './zone.ts';

/**
 * The policy engine: may Hearth run now, with what budget, and why.
 *
 * Pure and deterministic: the same limits, snapshot and state give the same
 * Decision; the clock is `signals.now`, and what must carry over (the game
 * seen a moment ago, a thermal trip) comes back in `Decision.memory`.
 *
 * Every limit is one rule; Hearth runs only if no rule pauses it. The rules'
 * order is the headline's priority: the user's own pause, then what happens on
 * the machine right now (a game, heat, battery, the user at the keyboard),
 * then the clock (schedule, daily cap).
 *
 * Unknown signals never turn into a silent "run" (each rule documents its
 * choice and every unknown that matters is listed in `reasons`):
 * - idle time unknown, idle-only on → PAUSE ("idle time is unknown"), unless
 *   the screen is locked or there is no desktop session at all;
 * - process list / fullscreen / GPU users unknown → run, with "game
 *   detection unavailable" (and friends): pausing would mean never running
 *   on systems that cannot tell;
 * - power source unknown, battery pause on → run, with "power source unknown";
 * - temperatures unknown → run, with "no temperature sensor readable";
 * - time zone unknown (system zone, or a zone this ICU lacks) → the clock
 *   rules read UTC, with "time zone unknown".
 */

const rules: readonly Rule[] = [manualRule, gamingRule, thermalRule, batteryRule, idleRule, scheduleRule, dailyCapRule];

const READY: Reason = { code: 'ready', text: 'Ready to take work' };

function resolveZone(limits: Limits, signals: OsSignalsSnapshot): { zone: string; note: Reason | null } {
  const wanted = limits.schedule.timeZone;
  const zone = wanted === 'system' ? signals.timeZone : wanted;
  if (zone !== 'system' && isKnownTimeZone(zone) && isUsableZone(zone)) return { zone, note: null };
  const text =
    wanted === 'system'
      ? `This computer's time zone is unknown (${JSON.stringify(signals.timeZone.slice(0, 64))}): schedule and daily cap use UTC`
      : `Time zone ${wanted} is unknown on this system: schedule and daily cap use UTC`;
  return { zone: 'UTC', note: { code: 'time-zone-unknown', text } };
}

export function decide(limits: Limits, signals: OsSignalsSnapshot, state: PolicyState): Decision {
  const now = signals.now;
  const { zone, note } = resolveZone(limits, signals);
  const outcomes = rules.map((rule) => rule({ limits, signals, state, now, zone }));

  const pauses = outcomes.flatMap((outcome) => (outcome.pause ? [outcome.pause] : []));
  const notes = [...(note ? [note] : []), ...outcomes.flatMap((outcome) => outcome.notes ?? [])];
  // What cannot be checked matters more than context: list it first.
  notes.sort((a, b) => Number(reasonKinds[b.code] === 'unknown') - Number(reasonKinds[a.code] === 'unknown'));
  const wakeAts = outcomes.map((outcome) => outcome.wakeAt).filter((at): at is number => typeof at === 'number' && at > now);
  const memory: PolicyMemory = outcomes.reduce<PolicyMemory>((merged, outcome) => ({ ...merged, ...outcome.memory }), { ...state.memory });

  return {
    action: pauses.length > 0 ? 'pause' : 'run',
    reasons: pauses.length > 0 ? [...pauses, ...notes] : [READY, ...notes],
    nextCheckAt: wakeAts.length > 0 ? Math.min(...wakeAts) : null,
    budget: budgetFor(limits, signals.logicalCpus),
    memory,
    timeZone: zone,
  };
}
