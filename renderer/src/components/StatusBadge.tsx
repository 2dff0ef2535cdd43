import type { ReactElement } from 'react';
import type { NodeState } from '../../../shared/node.ts';

const labels: Record<NodeState, string> = {
  starting: 'Starting',
  running: 'Running',
  paused: 'Paused',
  error: 'Error',
};

export function StatusBadge({ state, large = false }: { state: NodeState; large?: boolean }): ReactElement {
  return (
    <span className={`badge badge-${state}${large ? ' badge-large' : ''}`} data-testid="node-state">
      <span className="badge-dot" />
      {labels[state]}
    </span>
  );
}
