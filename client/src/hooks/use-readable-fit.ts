/**
 * "Fit view" that keeps node text readable: the whole graph when it fits at a zoom where titles and port labels
 * are at least 11 px on screen; otherwise the selected nodes at that zoom, or, with nothing selected, the graph
 * from its start (left edge, where its inputs are). The minimap shows where the rest is.
 */
import { useReactFlow, useStoreApi } from '@xyflow/react';
import { useCallback } from 'react';
import { getState } from '../store/editor-store.ts';

/** Port labels and param labels are 12 px: 0.92 of that is 11 px. */
export const READABLE_ZOOM = 0.92;
const PADDING = 0.06;
/** Screen pixels left free at the canvas edge when the graph is shown from its start. */
const EDGE_PX = 24;

export const FIT_OPTIONS = { padding: PADDING, maxZoom: 1, minZoom: READABLE_ZOOM };

export function useReadableFit(): () => void {
  const rf = useReactFlow();
  const store = useStoreApi();
  return useCallback(() => {
    const nodes = rf.getNodes();
    if (!nodes.length) return;
    const { width, height } = store.getState();
    const b = rf.getNodesBounds(nodes);
    const zoom = Math.min(width / (b.width * (1 + 2 * PADDING)), height / (b.height * (1 + 2 * PADDING)));
    if (zoom >= READABLE_ZOOM) {
      void rf.fitView({ padding: PADDING, maxZoom: 1 });
      return;
    }
    const selected = getState().selection.nodes.filter((id) => nodes.some((n) => n.id === id));
    if (selected.length) {
      void rf.fitView({ ...FIT_OPTIONS, nodes: selected.map((id) => ({ id })) });
      return;
    }
    // Too big to read whole: show it from its left edge, vertically centred when it is short enough.
    const z = READABLE_ZOOM;
    const y = b.height * z <= height - 2 * EDGE_PX ? (height - b.height * z) / 2 - b.y * z : EDGE_PX - b.y * z;
    void rf.setViewport({ x: EDGE_PX - b.x * z, y, zoom: z });
  }, [rf, store]);
}
