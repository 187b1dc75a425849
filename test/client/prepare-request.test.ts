import { describe, expect, it } from 'vitest';
import { prepareRequests } from '../../client/src/lib/prepare-request.ts';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';
import { shippedCatalogue as catalogue, twoDepthGraph } from './catalogue-fixture.ts';

/** decode → depth → smooth → warp, and a second depth node not yet wired to anything. */
const graph: GraphDocument = twoDepthGraph();
const installed = [
  { id: 'fastdepth', installed: true },
  { id: 'midas', installed: false },
];

describe('what the editor asks the server to get ready', () => {
  it('sends each depth node whose model is installed with what feeds it; nothing without an input or such a node', () => {
    const [r, ...more] = prepareRequests(graph, catalogue, installed, 'clip.mp4');
    expect(more).toEqual([]);
    expect(r.graph.nodes.map((n) => n.id)).toEqual(['decode', 'depth']);
    expect(r.graph.edges).toEqual([graph.edges[0]]);
    expect(r.input).toBe('clip.mp4');
    expect(prepareRequests(graph, catalogue, installed, null)).toEqual([]);
    expect(prepareRequests(graph, catalogue, installed.map((m) => ({ ...m, installed: false })), 'clip.mp4')).toEqual([]);
    expect(prepareRequests(graph, null, installed, 'clip.mp4')).toEqual([]);
    // A depth node left on its default model counts by that default.
    const byDefault = { ...graph, nodes: graph.nodes.map((n) => (n.id === 'depth' ? { ...n, params: {} } : n)) };
    const def = catalogue.depth.params.properties!.model.default as string;
    expect(prepareRequests(byDefault, catalogue, [{ id: def, installed: true }], 'clip.mp4')[0].graph.nodes.map((n) => n.id)).toEqual(['decode', 'depth']);
  });

  it('asks again when the input, a depth node or what feeds it changes, not when nodes move or smoothing and warp are retuned', () => {
    const keyOf = (g: GraphDocument, input = 'clip.mp4'): string => prepareRequests(g, catalogue, installed, input)[0].key;
    const key = keyOf(graph);
    const edit = (id: string, params: Record<string, unknown>): GraphDocument => ({ ...graph, nodes: graph.nodes.map((n) => (n.id === id ? { ...n, params: { ...n.params, ...params } } : n)) });
    const moved = { ...graph, nodes: graph.nodes.map((n) => ({ ...n, position: { x: 9, y: 9 } })) };
    expect(keyOf(moved)).toBe(key);
    expect(keyOf(edit('smooth', { strength: 0.2 }))).toBe(key);
    expect(keyOf(edit('warp', { divergence: 3 }))).toBe(key);
    expect(keyOf(graph, 'other.mp4')).not.toBe(key);
    expect(keyOf(edit('depth', { precision: 'fp32' }))).not.toBe(key);
    expect(keyOf(edit('decode', { start: 10 }))).not.toBe(key);
    // Once the second model is installed it is got ready too, in a request of its own: not wired to any frames yet,
    // its request fails alone on the server, and the first one's stays as it was.
    const both = prepareRequests(graph, catalogue, installed.map((m) => ({ ...m, installed: true })), 'clip.mp4');
    expect(both.map((r) => r.key)[0]).toBe(key);
    expect(both.map((r) => r.graph.nodes.map((n) => n.id))).toEqual([['decode', 'depth'], ['other']]);
  });
});
