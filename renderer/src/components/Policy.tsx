import type { ReactElement } from 'react';
import type { PolicyStatus } from '../../../shared/policy.ts';

type PolicyReason = PolicyStatus['reasons'][number];

const groups: { kind: PolicyReason['kind']; title: string; className: string }[] = [
  { kind: 'pause', title: 'Also pausing', className: 'reasons-pause' },
  { kind: 'unknown', title: 'Cannot check here', className: 'reasons-unknown' },
  { kind: 'info', title: 'Notes', className: 'reasons-info' },
];

/**
 * Everything the engine said besides its headline, by kind: other reasons to
 * pause (they still hold when the headline goes), limits this machine cannot
 * check (shown as such, never as "fine"), and context.
 */
export function PolicyReasons({ policy, testId = 'policy-reasons' }: { policy: PolicyStatus; testId?: string }): ReactElement | null {
  const others = policy.reasons.slice(1);
  if (others.length === 0) return null;
  return (
    <div className="policy-reasons" data-testid={testId}>
      {groups.map((group) => {
        const reasons = others.filter((reason) => reason.kind === group.kind);
        if (reasons.length === 0) return null;
        return (
          <div key={group.kind} className={`reason-group ${group.className}`}>
            <span className="label-small">{group.title}</span>
            <ul>
              {reasons.map((reason) => (
                <li key={`${reason.code}:${reason.text}`} data-kind={reason.kind} data-code={reason.code}>
                  <span className="reason-dot" aria-hidden />
                  {reason.text}
                </li>
              ))}
            </ul>
          </div>
        );
      })}
    </div>
  );
}

/** The decision's headline as a sentence: "Paused: …", "Waiting for …", "Ready to take work". */
export function policyHeadline(policy: PolicyStatus): string {
  return policy.reasons[0]?.text ?? (policy.action === 'run' ? 'Ready to take work' : 'Paused');
}

/** Whether the user's own pause is in force (Resume ends it; the other limits still apply). */
export function isManuallyPaused(policy: PolicyStatus): boolean {
  return policy.reasons.some((reason) => reason.code === 'manual-pause');
}
