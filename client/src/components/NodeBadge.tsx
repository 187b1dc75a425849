/** A node's state from the active run (or its last preview): running, cached, ran in N ms, or error. */
import { formatMs, formatPercent } from '../lib/format.ts';
import type { NodeRun } from '../lib/run-progress.ts';

export function NodeBadge({ nodeId, run, previewError }: { nodeId: string; run?: NodeRun; previewError?: string }) {
  const testId = `node-badge-${nodeId}`;
  if (run?.status === 'error' || (previewError && !run)) {
    return (
      <span className="badge badge--error" data-testid={testId} data-state="error" title={run?.message ?? previewError}>
        error
      </span>
    );
  }
  if (!run) return null;
  switch (run.status) {
    case 'running':
      return (
        <span className="badge badge--running" data-testid={testId} data-state="running">
          {run.total > 0 ? formatPercent(run.done / run.total) : '…'}
          <span className="badge__bar" style={{ width: run.total > 0 ? formatPercent(run.done / run.total) : '0%' }} />
        </span>
      );
    case 'cached':
      return (
        <span className="badge badge--cached" data-testid={testId} data-state="cached" title="Nothing to compute: all frames came from the cache">
          cached
        </span>
      );
    case 'done':
      return (
        <span className="badge badge--done" data-testid={testId} data-state="ran" title={`${run.computedFrames ?? '?'} frames computed`}>
          ran {formatMs(run.ms ?? 0)}
        </span>
      );
    case 'stopped':
      return (
        <span className="badge badge--waiting" data-testid={testId} data-state="stopped" title="The run ended before this node finished">
          stopped
        </span>
      );
    default:
      return (
        <span className="badge badge--waiting" data-testid={testId} data-state="waiting">
          waiting
        </span>
      );
  }
}
