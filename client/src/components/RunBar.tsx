/**
 * Run the whole graph or up to the selected node (all frames or a range; a run while one is going queues), watch
 * overall progress (weighted by each node's cost, cached nodes left out) and per-node progress, cancel.
 */
import { formatMs, formatPercent } from '../lib/format.ts';
import { isLive, overallProgress, typicalCost } from '../lib/run-progress.ts';
import { useEditor } from '../store/editor-store.ts';
import { cancelRun, startRun } from '../store/run-actions.ts';
import { RunRange } from './RunRange.tsx';

export function RunBar() {
  const run = useEditor((s) => (s.activeRunId ? s.runs[s.activeRunId] : undefined));
  const selected = useEditor((s) => s.selection.nodes[0]);
  const input = useEditor((s) => s.preview.input);
  const graph = useEditor((s) => s.graph);
  const offline = useEditor((s) => s.socket === 'closed');
  const live = isLive(run);
  const why = offline ? 'The server is not reachable: runs wait until it is back' : !input ? 'Choose an input video first' : graph.nodes.length === 0 ? 'The graph is empty' : undefined;
  const progress = run ? overallProgress(run, (id) => typicalCost(graph.nodes.find((n) => n.id === id)?.type)) : 0;
  const label = (id: string) => graph.nodes.find((n) => n.id === id)?.label ?? id;

  return (
    <div className="run-bar" data-testid="run-bar">
      <button type="button" className="primary" disabled={why !== undefined} onClick={() => void startRun()} data-testid="run" title={why ?? (live ? 'Queue another render (Ctrl+Enter); it starts when this one ends' : 'Render the graph (Ctrl+Enter)')}>
        {live ? '+ Queue' : '▶ Run'}
      </button>
      <button type="button" disabled={why !== undefined || !selected} onClick={() => void startRun(selected)} data-testid="run-to-selected" title="Run only what the selected node needs">
        Run to selected
      </button>
      <RunRange />
      <button type="button" disabled={!live} onClick={() => void cancelRun()} data-testid="cancel-run">
        ■ Cancel
      </button>
      <div className="run-bar__progress">
        <div className="progress" data-testid="run-progress" data-value={progress.toFixed(3)}>
          <div className={`progress__fill state-${run?.state ?? 'idle'}`} style={{ width: formatPercent(progress) }} />
        </div>
        {offline && (
          <span className="run-bar__offline" data-testid="offline">
            offline: server unreachable
          </span>
        )}
        <span className="run-bar__state" data-testid="run-state" data-state={run?.state ?? 'idle'}>
          {run ? `${run.state}${live ? ` · ${formatPercent(progress)}` : ''}` : 'idle'}
          {run?.error && run.state !== 'cancelled' ? ` · ${run.error.code}: ${run.error.message}` : ''}
        </span>
        {run?.warnings?.length ? (
          <span className="run-bar__warnings" data-testid="run-warning-count" title={run.warnings.join('\n')}>
            ⚠ {run.warnings.length} warning{run.warnings.length === 1 ? '' : 's'} (see Runs)
          </span>
        ) : null}
      </div>
      <div className="run-bar__nodes">
        {run?.order.map((id) => {
          const n = run.nodes[id];
          const frac = n.status === 'done' || n.status === 'cached' ? 1 : n.total ? n.done / n.total : 0;
          return (
            <div key={id} className={`run-node run-node--${n.status}`} data-testid={`run-node-${id}`} title={n.message ?? `${label(id)}: ${n.status}`}>
              <span>{label(id)}</span>
              <span className="run-node__val">{n.status === 'done' ? formatMs(n.ms ?? 0) : n.status === 'cached' ? 'cached' : n.status === 'running' ? formatPercent(frac) : n.status}</span>
              <div className="run-node__bar" style={{ width: formatPercent(frac) }} />
            </div>
          );
        })}
      </div>
    </div>
  );
}
