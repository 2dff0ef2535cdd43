// Test helpers for the policy engine: snapshots with calm defaults, limits
// patched from the defaults, and a simulated clock that replays a sequence of
// signal changes through decide(), carrying state as the node will.
import { expect } from 'vitest';
import { defaultLimits, type Limits } from '../../../shared/limits.ts';
import { freshMemory, type Decision, type PolicyState, type ReasonCode } from '../../../main/policy/decision.ts';
import { decide } from '../../../main/policy/engine.ts';
import type { OsSignalsSnapshot } from '../../../main/policy/signals.ts';
import { addRunTime } from '../../../main/policy/usage.ts';

/** A desktop at rest: nothing running, on mains power, cool, user away for an hour. */
export function snapshot(overrides: Partial<OsSignalsSnapshot> = {}): OsSignalsSnapshot {
  return {
    now: Date.parse('2026-03-23T12:00:00Z'),
    timeZone: 'Europe/Berlin',
    logicalCpus: 8,
    interactiveSession: true,
    screenLocked: false,
    idleSeconds: 3600,
    onBattery: false,
    processes: ['System', 'explorer.exe', 'svchost.exe', 'chrome.exe'],
    fullscreenApp: null,
    gpuUsers: [],
    temperatures: { cpu: 55, gpu: 50 },
    ...overrides,
  };
}

export function limitsWith(patch: { [K in keyof Limits]?: Partial<Limits[K]> | Limits[K] }): Limits {
  const limits: Record<string, unknown> = { ...defaultLimits };
  for (const [key, value] of Object.entries(patch)) {
    const base = (defaultLimits as Record<string, unknown>)[key];
    limits[key] = typeof base === 'object' && base !== null && typeof value === 'object' && value !== null ? { ...base, ...value } : value;
  }
  return limits as Limits;
}

export function freshState(overrides: Partial<PolicyState> = {}): PolicyState {
  return { manualPause: null, usage: null, ownPids: [], memory: freshMemory, ...overrides };
}

export const at = (iso: string): number => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad time in test: ${iso}`);
  return ms;
};

export interface Step {
  /** An ISO time with offset: the simulated clock. */
  at: string;
  /** Signal changes from this step on (they persist). */
  signals?: Partial<Omit<OsSignalsSnapshot, 'now'>>;
  /** State changes (a manual pause, …) from this step on. */
  state?: Partial<PolicyState>;
  action: 'run' | 'pause';
  /** The headline's code, and text (exact) or pattern. */
  code?: ReasonCode;
  headline?: string | RegExp;
  /** Codes that must appear among the reasons. */
  includes?: ReasonCode[];
  /** ISO time, or null. */
  nextCheckAt?: string | null;
}

/**
 * Replays `steps` on a simulated clock. Like the node: the memory of each
 * decision goes into the next, and time spent running counts toward the
 * daily usage.
 */
export function simulate(limits: Limits, steps: Step[], initial: { signals?: Partial<OsSignalsSnapshot>; state?: Partial<PolicyState> } = {}): Decision[] {
  let signals = snapshot(initial.signals);
  let state = freshState(initial.state);
  let previous: { now: number; decision: Decision } | null = null;
  const decisions: Decision[] = [];
  for (const step of steps) {
    const now = at(step.at);
    if (previous?.decision.action === 'run') state = { ...state, usage: addRunTime(state.usage, previous.now, now, previous.decision.timeZone) };
    signals = { ...signals, ...step.signals, now };
    state = { ...state, ...step.state };
    const decision = decide(limits, signals, state);
    const context = `at ${step.at}: ${JSON.stringify(decision.reasons)}`;
    expect(decision.action, context).toBe(step.action);
    if (step.code) expect(decision.reasons[0]?.code, context).toBe(step.code);
    if (typeof step.headline === 'string') expect(decision.reasons[0]?.text, context).toBe(step.headline);
    if (step.headline instanceof RegExp) expect(decision.reasons[0]?.text, context).toMatch(step.headline);
    for (const code of step.includes ?? []) expect(decision.reasons.map((r) => r.code), context).toContain(code);
    if (step.nextCheckAt !== undefined) expect(decision.nextCheckAt, context).toBe(step.nextCheckAt === null ? null : at(step.nextCheckAt));
    state = { ...state, memory: decision.memory };
    previous = { now, decision };
    decisions.push(decision);
  }
  return decisions;
}
