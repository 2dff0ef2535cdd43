import type { Limits } from '../../../shared/limits.ts';
import type { PolicyMemory, PolicyState, Reason } from '../decision.ts';
import type { OsSignalsSnapshot } from '../signals.ts';

/** What every rule reads. `zone` is the limits' zone, resolved (never "system"). */
export interface RuleInput {
  limits: Limits;
  signals: OsSignalsSnapshot;
  state: PolicyState;
  now: number;
  zone: string;
}

/** One limit's verdict. A rule with nothing to say returns {}. */
export interface RuleOutcome {
  /** Why Hearth must pause now; absent when this limit lets it run. */
  pause?: Reason;
  /** What else the user should know: a signal this limit needs but cannot get, or context. */
  notes?: Reason[];
  /** When this limit's verdict could change by the clock alone. */
  wakeAt?: number | null;
  /** What to remember for the next decision. */
  memory?: Partial<PolicyMemory>;
}

export type Rule = (input: RuleInput) => RuleOutcome;
