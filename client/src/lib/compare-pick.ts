/** Which two nodes to compare when the user has not picked: two depth outputs when there are, else the selection and what feeds it. */
import type { Catalogue } from '../../../nodes/core/catalogue.ts';
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';

export function defaultComparePair(graph: GraphDocument, catalogue: Catalogue | null, selected: string | null): [string | null, string | null] {
  const previewable = graph.nodes.filter((n) => catalogue?.[n.type] && !catalogue[n.type].sink);
  const depth = previewable.filter((n) => catalogue?.[n.type]?.outputs[0]?.types.includes('depth'));
  // Two depth maps side by side is what comparing is mostly for (two models, raw vs smoothed).
  const pool = depth.length >= 2 ? depth : previewable;
  const a = pool.find((n) => n.id === selected) ?? pool[0];
  if (!a) return [null, null];
  const feeder = graph.edges.find((e) => e.target === a.id && pool.some((n) => n.id === e.source))?.source;
  const b = pool.find((n) => n.id !== a.id && n.id !== feeder) ?? pool.find((n) => n.id !== a.id);
  return [a.id, feeder && depth.length < 2 ? feeder : (b?.id ?? null)];
}
