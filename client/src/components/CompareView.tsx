/**
 * Two nodes' outputs at the same frame, labelled A and B (preselected when the user has not chosen): truly side by
 * side, or overlaid with a draggable split. The agreement figures come from a Compare depth node fed by A and B.
 */
import { useEffect, useState } from 'react';
import { usePreview } from '../hooks/use-preview.ts';
import { defaultComparePair } from '../lib/compare-pick.ts';
import { formatMs } from '../lib/format.ts';
import { getState, useEditor } from '../store/editor-store.ts';
import { setPreview } from '../store/media-actions.ts';
import { DepthLegend } from './DepthLegend.tsx';
import { NodeFigures } from './NodeFigures.tsx';
import { NodeSelect } from './NodeSelect.tsx';
import { PreviewView } from './PreviewView.tsx';

function nameOf(id: string | null): string {
  const s = getState();
  const n = s.graph.nodes.find((x) => x.id === id);
  return n ? (n.label ?? s.catalogue?.[n.type]?.label ?? n.type) : '—';
}

function SplitView({ a, b }: { a: string | null; b: string | null }) {
  const input = useEditor((s) => s.preview.input);
  const frame = useEditor((s) => s.preview.frame);
  const pa = usePreview(a, input, frame, b);
  const pb = usePreview(b, input, frame, a);
  const [split, setSplit] = useState(50);
  return (
    <div className="preview">
      <div className="split" data-testid="compare-split">
        {pb.url && <img src={pb.url} alt="B" data-testid="preview-image-b" />}
        {pa.url && <img src={pa.url} alt="A" data-testid="preview-image-a" className="split__top" style={{ clipPath: `inset(0 ${100 - split}% 0 0)` }} />}
        <span className="preview__label" data-testid="compare-label-a">A · {nameOf(a)}</span>
        <span className="preview__label preview__label--right" data-testid="compare-label-b">B · {nameOf(b)}</span>
        <div className="split__line" style={{ left: `${split}%` }} />
        <input type="range" className="split__range" min={0} max={100} value={split} onChange={(e) => setSplit(Number(e.target.value))} data-testid="compare-split-slider" aria-label="Split" />
      </div>
      {pa.depthRange && <DepthLegend range={pa.depthRange} shared={pa.sharedScale} testId="compare-split-legend" />}
      <div className="preview__meta">
        A {pa.error ? `${pa.error.code}: ${pa.error.message}` : pa.ms !== undefined ? formatMs(pa.ms) : '…'} · B{' '}
        {pb.error ? `${pb.error.code}: ${pb.error.message}` : pb.ms !== undefined ? formatMs(pb.ms) : '…'}
      </div>
    </div>
  );
}

/** The Compare depth node whose inputs are A and B (either way round), if the graph has one. */
function useCompareNode(a: string | null, b: string | null): string | undefined {
  return useEditor((s) => {
    if (!a || !b) return undefined;
    const c = s.graph.nodes.find((n) => {
      if (n.type !== 'compare') return false;
      const srcs = s.graph.edges.filter((e) => e.target === n.id).map((e) => e.source);
      return srcs.includes(a) && srcs.includes(b);
    });
    return c?.id;
  });
}

export function CompareView() {
  const { compareA, compareB, compareMode } = useEditor((s) => s.preview);
  const graph = useEditor((s) => s.graph);
  const catalogue = useEditor((s) => s.catalogue);
  const selected = useEditor((s) => s.selection.nodes[0] ?? null);
  const compareNode = useCompareNode(compareA, compareB);
  const hasFigures = useEditor((s) => (compareNode ? s.nodeStats[compareNode] !== undefined : false));

  // Preselect A and B so the stage is never black; a choice the user made (or a node that still exists) is kept.
  useEffect(() => {
    const exists = (id: string | null) => id !== null && graph.nodes.some((n) => n.id === id);
    if (exists(compareA) && exists(compareB)) return;
    const [a, b] = defaultComparePair(graph, catalogue, selected);
    setPreview({ compareA: exists(compareA) ? compareA : a, compareB: exists(compareB) ? compareB : b === compareA ? a : b });
  }, [graph, catalogue, compareA, compareB, selected]);

  return (
    <div className="compare">
      <div className="compare__pick">
        <NodeSelect value={compareA} onChange={(v) => setPreview({ compareA: v })} testId="compare-a" label="A" />
        <NodeSelect value={compareB} onChange={(v) => setPreview({ compareB: v })} testId="compare-b" label="B" />
        <div className="seg">
          <button type="button" className={compareMode === 'split' ? 'is-on' : ''} onClick={() => setPreview({ compareMode: 'split' })} data-testid="compare-mode-split">
            split
          </button>
          <button type="button" className={compareMode === 'side' ? 'is-on' : ''} onClick={() => setPreview({ compareMode: 'side' })} data-testid="compare-mode-side">
            side by side
          </button>
        </div>
      </div>
      {compareMode === 'split' ? (
        <SplitView a={compareA} b={compareB} />
      ) : (
        <div className="compare__side" data-testid="compare-side">
          <PreviewView nodeId={compareA} testId="preview-image-a" label={`A · ${nameOf(compareA)}`} shareScaleWith={compareB} />
          <PreviewView nodeId={compareB} testId="preview-image-b" label={`B · ${nameOf(compareB)}`} shareScaleWith={compareA} />
        </div>
      )}
      <div className="compare__figures" data-testid="compare-figures">
        {compareNode && hasFigures ? (
          <>
            <span className="muted small">agreement (last run):</span>
            <NodeFigures nodeId={compareNode} testId="compare-figures-values" />
          </>
        ) : (
          <span className="muted small">
            {compareNode
              ? 'Run the graph to get the agreement figures (AbsRel, δ1) of A and B.'
              : 'For the agreement figures (AbsRel, δ1), feed A and B into a Compare depth node and run.'}
          </span>
        )}
      </div>
    </div>
  );
}
