/**
 * Makes a graph from a request safe to run: every decode reads the chosen media file and every encode's own
 * `path` is cleared, whatever the request said, so no request ever names a filesystem path.
 */
import { AneloError } from '../../../nodes/core/errors.ts';
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import type { StreamInfo } from '../../../nodes/core/types.ts';
import { loadGraph, migrateGraph } from '../../engine/load-graph.ts';

/** Migrates, binds decode inputs to `inputPath`, clears encode paths, then validates (400 E001 with problems). */
export function bindGraph(doc: unknown, inputPath: string): GraphDocument {
  const graph = migrateGraph(doc);
  for (const n of graph.nodes) {
    if (n.type === 'decode') n.params = { ...n.params, path: inputPath };
    if (n.type === 'encode') n.params = { ...n.params, path: '' };
  }
  return loadGraph(graph);
}

/** The encode nodes a run with this target writes: the target itself, none for another node, all without one. */
export function encodeNodesOf(graph: GraphDocument, target?: string): string[] {
  if (target !== undefined && !graph.nodes.some((n) => n.id === target)) {
    throw new AneloError('ANELO_E034_UNKNOWN_NODE', `no node "${target}" in the graph`, { nodeId: target, param: 'target' });
  }
  return graph.nodes.filter((n) => n.type === 'encode' && (target === undefined || n.id === target)).map((n) => n.id);
}

/** The stream an encode node receives (its stereo layout names the file). */
export function encodeInputInfo(graph: GraphDocument, info: Record<string, Record<string, StreamInfo>>, nodeId: string): StreamInfo | undefined {
  const edge = graph.edges.find((e) => e.target === nodeId);
  return edge ? info[edge.source]?.[edge.sourcePort] : undefined;
}
