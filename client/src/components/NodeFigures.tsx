/** The figures a node reported in its last run (agreement for compare, flicker before → after for smoothing). */
import { nodeFigures } from '../lib/node-figures.ts';
import { useEditor } from '../store/editor-store.ts';

export function NodeFigures({ nodeId, testId = `node-figures-${nodeId}` }: { nodeId: string; testId?: string }) {
  const entry = useEditor((s) => s.nodeStats[nodeId]);
  if (!entry) return null;
  const figures = nodeFigures(entry.stats);
  if (!figures.length) return null;
  return (
    <div className="node-figures" data-testid={testId} title="From the last run">
      {figures.map((f) => (
        <span key={f.label} className="node-figures__item" title={f.title}>
          <span className="node-figures__label">{f.label}</span> {f.value}
        </span>
      ))}
    </div>
  );
}
