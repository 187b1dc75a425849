/**
 * What the editor asks the server to get ready (POST /api/prepare): one request per node with an installed depth
 * model, carrying the part of the graph that feeds it (so a half-built branch elsewhere, or a second depth node not
 * wired yet, cannot fail the others), and a key that changes exactly when that part or the input does — not when a
 * node moves or something downstream of depth (smoothing, warp) is retuned, which leaves every model as it was.
 */
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import type { JsonSchema } from '../../../nodes/core/param-schema.ts';
import type { ModelListing } from '../api/api-types.ts';
import { modelOf } from './model-param.ts';
import { upstreamGraph, upstreamKey } from './upstream.ts';

export interface PrepareRequest {
  key: string;
  graph: GraphDocument;
  input: string;
}

/**
 * `graph` with muted nodes already passed through (as previews send it). Empty when there is nothing to get ready:
 * no input chosen, or no node whose model is installed (a missing model has its own message on the node).
 */
export function prepareRequests(
  graph: GraphDocument,
  catalogue: Record<string, { params: JsonSchema }> | null | undefined,
  models: Pick<ModelListing, 'id' | 'installed'>[],
  input: string | null | undefined,
): PrepareRequest[] {
  if (!input || !catalogue) return [];
  return graph.nodes
    .filter((n) => {
      const model = modelOf(n, catalogue[n.type]?.params);
      return model !== undefined && models.some((m) => m.id === model && m.installed);
    })
    .map((n) => ({ key: JSON.stringify([input, n.id, upstreamKey(graph, n.id)]), graph: upstreamGraph(graph, n.id), input }));
}
