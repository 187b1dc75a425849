import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';
import { upstreamGraph, upstreamKey } from '../../client/src/lib/upstream.ts';

const at = { x: 0, y: 0 };
const graph: GraphDocument = {
  schemaVersion: 1,
  nodes: [
    { id: 'decode', type: 'decode', params: {}, position: at },
    { id: 'depth', type: 'depth', params: {}, position: at },
    { id: 'encode', type: 'encode', params: {}, position: at },
    { id: 'loose', type: 'scene-detect', params: {}, position: at },
  ],
  edges: [
    { source: 'decode', sourcePort: 'frames', target: 'depth', targetPort: 'frames' },
    { source: 'decode', sourcePort: 'frames', target: 'encode', targetPort: 'video' },
  ],
};

describe('what a preview depends on', () => {
  it('sends only the previewed node and what feeds it, so an unconnected node elsewhere cannot fail it', () => {
    const g = upstreamGraph(graph, 'depth');
    expect(g.nodes.map((n) => n.id)).toEqual(['decode', 'depth']);
    expect(g.edges).toEqual([graph.edges[0]]);
    expect(g.schemaVersion).toBe(1);
  });

  it('changes its key for a param upstream, not for a move or a param downstream', () => {
    const key = upstreamKey(graph, 'depth');
    const moved = { ...graph, nodes: graph.nodes.map((n) => ({ ...n, position: { x: 5, y: 5 } })) };
    expect(upstreamKey(moved, 'depth')).toBe(key);
    const downstream = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'encode' ? { ...n, params: { crf: 30 } } : n)) };
    expect(upstreamKey(downstream, 'depth')).toBe(key);
    const upstream = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'decode' ? { ...n, params: { maxHeight: 72 } } : n)) };
    expect(upstreamKey(upstream, 'depth')).not.toBe(key);
  });
});
