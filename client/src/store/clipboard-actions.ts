/**
 * Copy, paste and duplicate of selected nodes with the edges between them. The clipboard is the page's own (the
 * system clipboard needs a permission prompt and would hand JSON to other apps); pasted nodes get fresh ids and
 * land offset from the originals, selected.
 */
import type { GraphEdge, GraphNode } from '../../../nodes/core/graph-document.ts';
import { newNodeId } from '../lib/node-id.ts';
import { freeShift } from '../lib/free-spot.ts';
import { nodeRect } from '../lib/node-rects.ts';
import { getState, update } from './editor-store.ts';
import { editGraph } from './graph-actions.ts';
import { notify } from './status-actions.ts';

let clip: { nodes: GraphNode[]; edges: GraphEdge[] } | null = null;
let pastes = 0;

/** Copies the selected nodes; false when nothing is selected. */
export function copySelection(): boolean {
  const { graph, selection } = getState();
  const ids = new Set(selection.nodes);
  if (!ids.size) return false;
  clip = structuredClone({
    nodes: graph.nodes.filter((n) => ids.has(n.id)),
    edges: graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target)),
  });
  pastes = 0;
  return true;
}

export function hasClipboard(): boolean {
  return clip !== null;
}

/** Pastes the copied nodes (one undo step), offset a little more each time, and selects them. */
export function paste(at?: { x: number; y: number }): void {
  if (!clip) return;
  pastes += 1;
  const taken = getState().graph.nodes.map((n) => n.id);
  const ids = new Map<string, string>();
  for (const n of clip.nodes) {
    const id = newNodeId(n.type, [...taken, ...ids.values()]);
    ids.set(n.id, id);
  }
  const minX = Math.min(...clip.nodes.map((n) => n.position.x));
  const minY = Math.min(...clip.nodes.map((n) => n.position.y));
  const nodes = clip.nodes.map((n) => ({
    ...structuredClone(n),
    id: ids.get(n.id)!,
    position: at ? { x: at.x + n.position.x - minX, y: at.y + n.position.y - minY } : { x: n.position.x + 40 * pastes, y: n.position.y + 40 * pastes },
  }));
  // The pasted group keeps its shape but lands clear of every node already there (sized as the copied ones were).
  const { dx, dy } = freeShift(
    getState().graph.nodes.map((n) => nodeRect(n)),
    nodes.map((n, i) => nodeRect(n, nodeRect(clip!.nodes[i]))),
  );
  for (const n of nodes) n.position = { x: n.position.x + dx, y: n.position.y + dy };
  const edges = clip.edges.map((e) => ({ ...e, source: ids.get(e.source)!, target: ids.get(e.target)! }));
  editGraph((g) => {
    g.nodes.push(...nodes);
    g.edges.push(...edges);
  });
  update((s) => void (s.selection = { nodes: nodes.map((n) => n.id), edges: [] }));
}

/** Copy + paste in one go (Ctrl+D). */
export function duplicateSelection(): void {
  if (copySelection()) paste();
  else notify('Select a node to duplicate');
}
