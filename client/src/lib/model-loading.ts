/**
 * Which depth models a node's output waits on while the server loads them (`model-load` messages): the editor says
 * "loading model …" on the depth node and in the preview of anything it feeds, instead of a bare "rendering…".
 */
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import type { JsonSchema } from '../../../nodes/core/param-schema.ts';
import { modelOf } from './model-param.ts';
import { upstreamIds } from './upstream.ts';

/**
 * The names of the models loading now that `nodeId` or a node feeding it uses (`loading`: by model id, those whose
 * `shown` is true), each once, in graph order; bypassed nodes compute nothing and are left out. Names from `models`
 * where listed.
 */
export function modelsLoadingFor(
  graph: GraphDocument,
  nodeId: string | null,
  catalogue: Record<string, { params: JsonSchema }> | null | undefined,
  loading: Record<string, { shown: boolean }>,
  models: { id: string; name: string }[] = [],
): string[] {
  if (!nodeId || !catalogue || Object.keys(loading).length === 0) return [];
  const ids = upstreamIds(graph, nodeId);
  const names: string[] = [];
  for (const n of graph.nodes) {
    if (!ids.has(n.id) || n.bypass) continue;
    const model = modelOf(n, catalogue[n.type]?.params);
    if (model === undefined || !loading[model]?.shown) continue;
    const name = models.find((m) => m.id === model)?.name ?? model;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}
