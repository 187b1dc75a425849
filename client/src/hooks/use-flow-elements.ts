/**
 * Derives React Flow nodes and edges from the GraphDocument. Node objects are reused while their graph
 * node, selection and measured size are unchanged, so React Flow skips work for untouched nodes.
 */
import type { Edge, Node } from '@xyflow/react';
import { useMemo, useRef } from 'react';
import { DATA_TYPE_COLOURS, type Catalogue } from '../../../nodes/core/catalogue.ts';
import { edgeId, type GraphDocument, type GraphNode } from '../../../nodes/core/graph-document.ts';

export type FlowNode = Node<{ graphNode: GraphNode }, 'anelo'>;
export type Measured = Record<string, { width: number; height: number }>;

interface Cached {
  graphNode: GraphNode;
  selected: boolean;
  measured?: { width: number; height: number };
  flow: FlowNode;
}

export function useFlowElements(
  graph: GraphDocument,
  catalogue: Catalogue | null,
  selection: { nodes: string[]; edges: string[] },
  measured: Measured,
): { nodes: FlowNode[]; edges: Edge[] } {
  const cache = useRef(new Map<string, Cached>());

  const nodes = useMemo(() => {
    const selected = new Set(selection.nodes);
    const next = new Map<string, Cached>();
    const out = graph.nodes.map((n) => {
      const prev = cache.current.get(n.id);
      const sel = selected.has(n.id);
      const m = measured[n.id];
      if (prev && prev.graphNode === n && prev.selected === sel && prev.measured === m) {
        next.set(n.id, prev);
        return prev.flow;
      }
      const flow: FlowNode = { id: n.id, type: 'anelo', position: n.position, data: { graphNode: n }, selected: sel, measured: m };
      next.set(n.id, { graphNode: n, selected: sel, measured: m, flow });
      return flow;
    });
    cache.current = next;
    return out;
  }, [graph.nodes, selection.nodes, measured]);

  const edges = useMemo(() => {
    const selected = new Set(selection.edges);
    const typeOf = new Map(graph.nodes.map((n) => [n.id, catalogue?.[n.type]]));
    return graph.edges.map((e): Edge => {
      const type = typeOf.get(e.source)?.outputs.find((p) => p.name === e.sourcePort)?.types[0];
      const colour = type ? DATA_TYPE_COLOURS[type] : '#888';
      return {
        id: edgeId(e),
        source: e.source,
        sourceHandle: e.sourcePort,
        target: e.target,
        targetHandle: e.targetPort,
        selected: selected.has(edgeId(e)),
        style: { stroke: colour, strokeWidth: 2 },
      };
    });
  }, [graph.edges, graph.nodes, catalogue, selection.edges]);

  return { nodes, edges };
}
