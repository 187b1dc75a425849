import { Type } from '@sinclair/typebox';
import { describe, expect, it } from 'vitest';
import { defineNode, type AnyNodeDefinition } from '../../../nodes/core/types.ts';
import { loadGraph, migrateGraph } from '../../../server/engine/load-graph.ts';

// A node type at version 3 whose "size" param was renamed twice: saved graphs of v1 and v2 must still load.
const resize = defineNode({
  type: 'resize',
  version: 3,
  label: 'Resize',
  category: 'refine',
  description: 'test node',
  inputs: [],
  outputs: [{ name: 'frames', types: ['frames'] }],
  params: Type.Object({ height: Type.Integer({ default: 720, minimum: 1 }), keepAspect: Type.Boolean({ default: true }) }),
  cache: 'memory',
  migrations: [
    { from: 1, migrate: (p) => { p.px = p.size; delete p.size; } },
    { from: 2, migrate: (p) => { p.height = p.px; delete p.px; } },
  ],
  info: async () => ({}),
}) as unknown as AnyNodeDefinition;

describe('graph migration', () => {
  it('runs each node type\'s param migrations from the version the graph was saved with', () => {
    const doc = {
      schemaVersion: 1,
      nodes: [
        { id: 'old', type: 'resize', params: { size: 480 }, position: { x: 0, y: 0 } },
        { id: 'mid', type: 'resize', version: 2, params: { px: 360 }, position: { x: 0, y: 0 } },
        { id: 'new', type: 'resize', version: 3, params: { height: 240 } },
      ],
      edges: [],
    };
    const g = loadGraph(doc, [resize]);
    expect(g.nodes.map((n) => [n.params, n.version])).toEqual([
      [{ height: 480 }, 3],
      [{ height: 360 }, 3],
      [{ height: 240 }, 3],
    ]);
    expect(g.nodes[2].position).toEqual({ x: 0, y: 0 });
    expect(doc.nodes[0].params).toEqual({ size: 480 }); // the input document is left untouched
  });

  it('refuses a graph from a newer anelo with a coded error', () => {
    expect(() => migrateGraph({ schemaVersion: 99, nodes: [], edges: [] })).toThrow(expect.objectContaining({ code: 'ANELO_E003_GRAPH_SCHEMA_VERSION' }));
  });
});

describe('documents from a newer anelo', () => {
  it('refuses a node saved by a newer version of its type, naming the node, instead of stamping it down', () => {
    const doc = {
      schemaVersion: 1,
      nodes: [{ id: 'warp', type: 'stereo-warp', version: 99, params: { divergence: 2 }, position: { x: 0, y: 0 } }],
      edges: [],
    };
    expect(() => migrateGraph(doc)).toThrow(expect.objectContaining({ code: 'ANELO_E003_GRAPH_SCHEMA_VERSION', where: expect.objectContaining({ nodeId: 'warp' }) }));
    expect(doc.nodes[0].version).toBe(99);
  });
});
