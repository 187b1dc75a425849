/**
 * Bypassed (muted) nodes resolved away before a graph is previewed or run: each consumer of a bypassed node's
 * output reads instead from what feeds the node's first input of a matching type (so a muted smoothing passes raw
 * depth through). An output with no such input leaves its consumers unfed, and validation says so. The executor
 * applies it to every graph it plans, so the CLI, the server and cluster workers honour a saved bypass alike.
 */
import type { Catalogue } from './catalogue.ts';
import type { GraphDocument, GraphEdge } from './graph-document.ts';

export function resolveBypass(graph: GraphDocument, catalogue: Catalogue | null): GraphDocument {
  if (!graph.nodes.some((n) => n.bypass)) return graph;
  let edges: GraphEdge[] = graph.edges;
  // One bypassed node at a time, so chains of them pass through each other.
  for (const node of graph.nodes.filter((n) => n.bypass)) {
    const d = catalogue?.[node.type];
    const next: GraphEdge[] = [];
    for (const e of edges) {
      if (e.target === node.id) continue;
      if (e.source !== node.id) {
        next.push(e);
        continue;
      }
      const out = d?.outputs.find((p) => p.name === e.sourcePort);
      const via = d?.inputs.map((p) => ({ p, feed: edges.find((x) => x.target === node.id && x.targetPort === p.name) })).find(({ p, feed }) => feed && out && p.types.some((t) => out.types.includes(t)))?.feed;
      if (via) next.push({ ...e, source: via.source, sourcePort: via.sourcePort });
    }
    edges = next;
  }
  return { ...graph, nodes: graph.nodes.filter((n) => !n.bypass), edges };
}
