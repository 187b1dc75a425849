/**
 * Makes a graph from a request safe to run: every decode reads the chosen media file and every encode's own
 * `path` is cleared, whatever the request said, so no request ever names a filesystem path.
 */
import { AneloError } from '../../../nodes/core/errors.ts';
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import type { StreamInfo } from '../../../nodes/core/types.ts';
import type { GraphProblem } from '../../../nodes/core/validate-graph.ts';
import { loadGraph, migrateGraph } from '../../engine/load-graph.ts';
import { bindInput, outputSlots } from '../../../nodes/core/run-files.ts';
import { NODE_DEFINITIONS } from '../../../nodes/index.ts';

/** A model id as listed by GET /api/models; never a path (the CLI may name a file, a request may not). */
const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/**
 * Migrates, binds decode inputs to `inputPath`, clears encode paths, refuses model params that are paths, then
 * validates (400 E001 with problems).
 */
export function bindGraph(doc: unknown, inputPath: string): GraphDocument {
  const graph = migrateGraph(doc);
  const problems: GraphProblem[] = [];
  bindInput(graph, NODE_DEFINITIONS, inputPath, 'all');
  for (const { node, param } of outputSlots(graph, NODE_DEFINITIONS)) node.params = { ...node.params, [param]: '' };
  for (const n of graph.nodes) {
    const model = n.params.model;
    if (n.type === 'depth' && model !== undefined && (typeof model !== 'string' || !MODEL_ID.test(model) || model.endsWith('.onnx') || model.includes('..'))) {
      problems.push({
        kind: 'bad-param',
        nodeId: n.id,
        param: 'model',
        message: `node "${n.id}": param "model" must be a model id from the model list; to use your own .onnx, put it with its .json manifest in a models folder (ANELO_MODELS_DIR) and pick its id`,
      });
    }
  }
  if (problems.length) {
    throw new AneloError('ANELO_E001_GRAPH_INVALID', problems[0].message, { nodeId: problems[0].nodeId, param: 'model' }, { problems });
  }
  return loadGraph(graph);
}

/** The encode nodes a run with this target writes: the target itself, none for another node, all without one. */
export function encodeNodesOf(graph: GraphDocument, target?: string): string[] {
  if (target !== undefined && !graph.nodes.some((n) => n.id === target)) {
    throw new AneloError('ANELO_E034_UNKNOWN_NODE', `no node "${target}" in the graph`, { nodeId: target, param: 'target' });
  }
  return outputSlots(graph, NODE_DEFINITIONS)
    .map((s) => s.node.id)
    .filter((id) => target === undefined || id === target);
}

/** The stream an encode node receives (its stereo layout names the file). */
export function encodeInputInfo(graph: GraphDocument, info: Record<string, Record<string, StreamInfo>>, nodeId: string): StreamInfo | undefined {
  const edge = graph.edges.find((e) => e.target === nodeId);
  return edge ? info[edge.source]?.[edge.sourcePort] : undefined;
}
