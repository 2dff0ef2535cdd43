import type { DailyUsage } from './usage.ts';
import type { ManualPause } from './manual-pause.ts';

/** The engine's vocabulary. `kind` tells the UI how to show each (see reasonKinds). */
export type ReasonCode =
  // run
  | 'ready'
  // pause, in the order they win the headline
  | 'manual-pause'
  | 'game-running'
  | 'gpu-busy'
  | 'fullscreen'
  | 'game-cooldown'
  | 'thermal'
  | 'battery'
  | 'user-active'
  | 'idle-unknown'
  | 'outside-schedule'
  | 'daily-cap'
  // a limit that cannot be checked here
  | 'processes-unknown'
  | 'fullscreen-unknown'
  | 'gpu-users-unknown'
  | 'power-unknown'
  | 'temperature-unknown'
  | 'time-zone-unknown'
  // context
  | 'no-desktop'
  | 'screen-locked'
  | 'on-battery-allowed'
  | 'schedule-window'
  | 'daily-cap-left';

export type ReasonKind = 'run' | 'pause' | 'unknown' | 'info';

export const reasonKinds: Readonly<Record<ReasonCode, ReasonKind>> = {
  ready: 'run',
  'manual-pause': 'pause',
  'game-running': 'pause',
  'gpu-busy': 'pause',
  fullscreen: 'pause',
  'game-cooldown': 'pause',
  thermal: 'pause',
  battery: 'pause',
  'user-active': 'pause',
  'idle-unknown': 'pause',
  'outside-schedule': 'pause',
  'daily-cap': 'pause',
  'processes-unknown': 'unknown',
  'fullscreen-unknown': 'unknown',
  'gpu-users-unknown': 'unknown',
  'power-unknown': 'unknown',
  'temperature-unknown': 'unknown',
  'time-zone-unknown': 'unknown',
  'no-desktop': 'info',
  'screen-locked': 'info',
  'on-battery-allowed': 'info',
  'schedule-window': 'info',
  'daily-cap-left': 'info',
};

/** The `source` column of policy events: which limit decided. */
export type DecisionSource = 'policy' | 'manual' | 'gaming' | 'thermal' | 'battery' | 'idle' | 'schedule' | 'daily-cap';

const sources: Partial<Record<ReasonCode, DecisionSource>> = {
  'manual-pause': 'manual',
  'game-running': 'gaming',
  'gpu-busy': 'gaming',
  fullscreen: 'gaming',
  'game-cooldown': 'gaming',
  thermal: 'thermal',
  battery: 'battery',
  'user-active': 'idle',
  'idle-unknown': 'idle',
  'outside-schedule': 'schedule',
  'daily-cap': 'daily-cap',
};

export interface Reason {
  code: ReasonCode;
  /** A plain sentence for people: "Paused: Elden Ring is running (eldenring.exe)". */
  text: string;
}

export interface Budget {
  /** Worker threads (intra-op). */
  threads: number;
  /** Share of the whole machine's CPU time, percent. */
  cpuPercent: number;
  gpu: { enabled: boolean; deviceIndex: number | null };
  vramCapMiB: number | null;
  ramCapMiB: number | null;
  modelDiskQuotaMiB: number;
}

/** What the engine remembers from one decision to the next (it hands it back in every Decision). */
export interface PolicyMemory {
  /** The last thing that made Hearth step aside for a game, and when it was last seen: resuming waits a moment after it goes. */
  gaming: { code: 'game-running' | 'gpu-busy' | 'fullscreen'; subject: string; seenAt: number } | null;
  /** A thermal pause holds until the sensor is a few degrees under the limit, so Hearth does not flap at the line. */
  thermalTripped: boolean;
}

export const freshMemory: PolicyMemory = { gaming: null, thermalTripped: false };

/** What the engine must know but cannot sense. The node keeps it (SQLite) and passes it in. */
export interface PolicyState {
  manualPause: ManualPause | null;
  /** Time contributed on the current local day (for the daily cap). */
  usage: DailyUsage | null;
  /** Hearth's own processes (the worker): never "another program using the GPU". */
  ownPids: readonly number[];
  /** The previous Decision's memory; freshMemory at start. */
  memory: PolicyMemory;
}

export interface Decision {
  action: 'run' | 'pause';
  /** The headline first, then any other reason to pause, then what could not be checked, then context. */
  reasons: Reason[];
  /** When the decision could change by the clock alone (window edge, idle threshold, pause expiry, midnight); null: only signals can change it. */
  nextCheckAt: number | null;
  budget: Budget;
  /** Pass back as `state.memory` next time. */
  memory: PolicyMemory;
  /** The zone the clock rules were read in (resolved from "system"). */
  timeZone: string;
}

export function decisionSource(decision: Decision): DecisionSource {
  const headline = decision.reasons[0];
  return (headline && sources[headline.code]) ?? 'policy';
}

/** A change worth a policy event: the action, or what decided it. Not every changed number ("3 of 10 minutes idle"). */
export function isDecisionChange(previous: Decision | null, next: Decision): boolean {
  return previous === null || previous.action !== next.action || previous.reasons[0]?.code !== next.reasons[0]?.code;
}
