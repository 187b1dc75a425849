/**
 * Whether the editor accepts a new edge, and if not, a sentence saying why. Same rules as the server's
 * validateGraph: types must overlap, an input takes one edge (a new one replaces it), and the graph stays acyclic.
 */
import type { Catalogue } from '../../../nodes/core/catalogue.ts';
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import { wouldCreateCycle } from '../../../nodes/core/validate-graph.ts';

export interface ConnectionAttempt {
  source: string;
  sourcePort: string;
  target: string;
  targetPort: string;
}

/** `replaces`: the edge now feeding that input, which the new one takes the place of. */
export type ConnectionVerdict = { ok: true; replaces?: ConnectionAttempt } | { ok: false; reason: string };

function nodeName(graph: GraphDocument, catalogue: Catalogue, id: string): string {
  const n = graph.nodes.find((x) => x.id === id);
  return n?.label || (n && catalogue[n.type]?.label) || id;
}

/** Checks one proposed edge against the graph as it is now. */
export function checkConnection(graph: GraphDocument, catalogue: Catalogue, c: ConnectionAttempt): ConnectionVerdict {
  const src = graph.nodes.find((n) => n.id === c.source);
  const dst = graph.nodes.find((n) => n.id === c.target);
  if (!src || !dst) return { ok: false, reason: 'that node no longer exists' };
  const out = catalogue[src.type]?.outputs.find((p) => p.name === c.sourcePort);
  const inp = catalogue[dst.type]?.inputs.find((p) => p.name === c.targetPort);
  const s = nodeName(graph, catalogue, c.source);
  const t = nodeName(graph, catalogue, c.target);
  if (!out) return { ok: false, reason: `"${s}" has no output "${c.sourcePort}"` };
  if (!inp) return { ok: false, reason: `"${t}" has no input "${c.targetPort}"` };
  if (c.source === c.target) return { ok: false, reason: `"${t}" cannot feed itself` };
  if (!out.types.some((ty) => inp.types.includes(ty))) {
    return { ok: false, reason: `${t} takes ${inp.types.join(' or ')} on "${c.targetPort}", ${s} gives ${out.types.join(', ')} on "${c.sourcePort}"` };
  }
  // An input takes one edge: a new wire into a connected input replaces the old one (checked without it).
  const taken = graph.edges.find((e) => e.target === c.target && e.targetPort === c.targetPort);
  if (taken && taken.source === c.source && taken.sourcePort === c.sourcePort) return { ok: false, reason: `${s} already feeds ${t} there` };
  const rest = taken ? { ...graph, edges: graph.edges.filter((e) => e !== taken) } : graph;
  if (wouldCreateCycle(rest, c.source, c.target)) {
    return { ok: false, reason: `connecting ${s} to ${t} would make a cycle` };
  }
  return taken ? { ok: true, replaces: taken } : { ok: true };
}
