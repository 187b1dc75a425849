import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import { bindInput, outputPaths } from '../../../nodes/core/run-files.ts';
import { NODE_DEFINITIONS } from '../../../nodes/index.ts';

const at = { x: 0, y: 0 };
const graph = (decodePaths: string[], encodes: string[]): GraphDocument => ({
  schemaVersion: 1,
  nodes: [
    ...decodePaths.map((p, i) => ({ id: `dec${i}`, type: 'decode', params: { path: p }, position: at })),
    { id: 'warp', type: 'stereo-warp', params: {}, position: at },
    ...encodes.map((id) => ({ id, type: 'encode', params: {}, position: at })),
  ],
  edges: [],
});

describe('binding a run to files by what node definitions declare', () => {
  it('gives the input to sources without a file of their own, or to the only source', () => {
    const two = graph(['', '/clips/logo.mp4'], ['enc']);
    bindInput(two, NODE_DEFINITIONS, '/in.mp4', 'unset');
    expect(two.nodes.map((n) => n.params.path)).toEqual(['/in.mp4', '/clips/logo.mp4', undefined, undefined]);
    const one = graph(['/old.mp4'], ['enc']);
    bindInput(one, NODE_DEFINITIONS, '/in.mp4', 'unset');
    expect(one.nodes[0].params.path).toBe('/in.mp4');
  });

  it("gives the input to every source when a request may not name files (the server's rule)", () => {
    const g = graph(['', '/etc/passwd'], ['enc']);
    bindInput(g, NODE_DEFINITIONS, '/data/clip.mp4', 'all');
    expect(g.nodes.slice(0, 2).map((n) => n.params.path)).toEqual(['/data/clip.mp4', '/data/clip.mp4']);
  });

  it('names one output after the path and several after their node ids', () => {
    expect(outputPaths(graph([''], ['enc']), NODE_DEFINITIONS, '/out/film.mp4')).toEqual({ enc: '/out/film.mp4' });
    expect(outputPaths(graph([''], ['left', 'right']), NODE_DEFINITIONS, '/out.d/film.mkv')).toEqual({ left: '/out.d/film-left.mkv', right: '/out.d/film-right.mkv' });
    expect(outputPaths(graph([''], ['a', 'b']), NODE_DEFINITIONS, '/out.d/film')).toEqual({ a: '/out.d/film-a', b: '/out.d/film-b' });
  });
});
