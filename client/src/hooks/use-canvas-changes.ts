/**
 * Turns React Flow's change lists into store actions: selection, moves (one undo step per drag) and the
 * measured node sizes React Flow needs back. Removals go through onDelete so nodes and edges are one step.
 */
import type { EdgeChange, NodeChange } from '@xyflow/react';
import { useCallback, useState, type Dispatch, type SetStateAction } from 'react';
import { getState } from '../store/editor-store.ts';
import { sealHistory, setSelection } from '../store/graph-actions.ts';
import { moveNodes } from '../store/node-actions.ts';
import type { FlowNode, Measured } from './use-flow-elements.ts';

function applySelect(current: string[], changes: { type: string; id?: string; selected?: boolean }[]): string[] | undefined {
  const sel = new Set(current);
  let touched = false;
  for (const c of changes) {
    if (c.type !== 'select' || c.id === undefined) continue;
    touched = true;
    if (c.selected) sel.add(c.id);
    else sel.delete(c.id);
  }
  return touched ? [...sel] : undefined;
}

function applyDimensions(setMeasured: Dispatch<SetStateAction<Measured>>, changes: NodeChange<FlowNode>[]): void {
  const dims = changes.filter((c) => c.type === 'dimensions' && c.dimensions);
  if (!dims.length) return;
  setMeasured((m) => {
    const next = { ...m };
    for (const c of dims) if (c.type === 'dimensions' && c.dimensions) next[c.id] = { width: c.dimensions.width, height: c.dimensions.height };
    return next;
  });
}

export function useCanvasChanges(): {
  measured: Measured;
  onNodesChange: (changes: NodeChange<FlowNode>[]) => void;
  onEdgesChange: (changes: EdgeChange[]) => void;
} {
  const [measured, setMeasured] = useState<Measured>({});

  const onNodesChange = useCallback((changes: NodeChange<FlowNode>[]) => {
    applyDimensions(setMeasured, changes);
    const positions: Record<string, { x: number; y: number }> = {};
    let dragEnded = false;
    for (const c of changes) {
      if (c.type !== 'position') continue;
      if (c.position) positions[c.id] = c.position;
      if (c.dragging === false) dragEnded = true;
    }
    if (Object.keys(positions).length) moveNodes(positions);
    if (dragEnded) sealHistory();
    const s = getState().selection;
    const nodes = applySelect(s.nodes, changes);
    if (nodes) setSelection(nodes, getState().selection.edges);
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const s = getState().selection;
    const edges = applySelect(s.edges, changes);
    if (edges) setSelection(getState().selection.nodes, edges);
  }, []);

  return { measured, onNodesChange, onEdgesChange };
}
