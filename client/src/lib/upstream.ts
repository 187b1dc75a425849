/** What a node's output depends on: used to re-request a preview only when something upstream changed. */
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';

/** Ids of the node and every node it reads from, directly or not. */
export function upstreamIds(graph: GraphDocument, nodeId: string): Set<string> {
  const seen = new Set<string>();
  const todo = [nodeId];
  while (todo.length) {
    const id = todo.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of graph.edges) if (e.target === id) todo.push(e.source);
  }
  return seen;
}

/** A string that changes exactly when the types, params or wiring upstream of `nodeId` change (not positions). */
export function upstreamKey(graph: GraphDocument, nodeId: string): string {
  const ids = upstreamIds(graph, nodeId);
  const nodes = graph.nodes.filter((n) => ids.has(n.id)).map((n) => [n.id, n.type, n.version ?? 1, n.params]);
  const edges = graph.edges.filter((e) => ids.has(e.target)).map((e) => [e.source, e.sourcePort, e.target, e.targetPort]);
  return JSON.stringify([nodes, edges]);
}

/**
 * The part of the graph the nodes' outputs are computed from. Previews send only this, so a half-built branch
 * elsewhere (an unconnected new node) does not fail the whole request.
 */
export function upstreamGraph(graph: GraphDocument, ...nodeIds: string[]): GraphDocument {
  const ids = new Set(nodeIds.flatMap((id) => [...upstreamIds(graph, id)]));
  return { ...graph, nodes: graph.nodes.filter((n) => ids.has(n.id)), edges: graph.edges.filter((e) => ids.has(e.target)) };
}
