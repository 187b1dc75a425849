/** Whether every node is wholly on screen: the minimap only helps when part of the graph is not. */
import { useStore, type ReactFlowState } from '@xyflow/react';

const allInView = (s: ReactFlowState): boolean => {
  const [tx, ty, zoom] = s.transform;
  for (const n of s.nodeLookup.values()) {
    const { x, y } = n.internals.positionAbsolute;
    const w = n.measured.width ?? 0;
    const h = n.measured.height ?? 0;
    if (x * zoom + tx < 0 || y * zoom + ty < 0 || (x + w) * zoom + tx > s.width || (y + h) * zoom + ty > s.height) return false;
  }
  return true;
};

export function useGraphInView(): boolean {
  return useStore(allInView);
}
