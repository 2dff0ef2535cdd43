import { create } from 'zustand';
import type { Limits } from '../../../shared/limits.ts';
import type { PolicyStatus } from '../../../shared/policy.ts';

/** The contribution limits and the policy engine's current decision, as pushed from the node. */
interface PolicyStore {
  limits: Limits | undefined;
  policy: PolicyStatus | undefined;
  setLimits: (limits: Limits) => void;
  setPolicy: (policy: PolicyStatus) => void;
}

export const usePolicyStore = create<PolicyStore>((set) => ({
  limits: undefined,
  policy: undefined,
  setLimits: (limits) => set({ limits }),
  setPolicy: (policy) => set({ policy }),
}));
