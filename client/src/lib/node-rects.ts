/** Node boxes in graph coordinates, sized as the canvas drew them (or a typical size for a node not drawn yet). */
import type { GraphNode } from '../../../nodes/core/graph-document.ts';
import type { Rect } from './free-spot.ts';

/** A typical node: the widest nodes are about this size with their params shown. */
export const TYPICAL_NODE = { width: 240, height: 200 };

export function nodeRect(n: Pick<GraphNode, 'id' | 'position'>, fallback = TYPICAL_NODE): Rect {
  const el = typeof document === 'undefined' ? null : document.querySelector<HTMLElement>(`.react-flow__node[data-id="${CSS.escape(n.id)}"]`);
  // offsetWidth/Height are layout sizes, unaffected by the canvas zoom: graph units.
  return { x: n.position.x, y: n.position.y, width: el?.offsetWidth || fallback.width, height: el?.offsetHeight || fallback.height };
}
