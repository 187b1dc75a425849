import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadGraph, shippedCatalogue } from '../../server/engine/load-graph.ts';
import { validateGraph } from '../../nodes/core/validate-graph.ts';
import { PROJECT_ROOT } from '../helpers/shared-data.ts';

const dir = path.join(PROJECT_ROOT, 'graphs');
const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.json')).sort();

describe('built-in presets (golden)', () => {
  it('ships the three presets the product promises', () => {
    expect(files).toEqual(expect.arrayContaining(['default.json', 'compare-midas-vs-depth-anything.json', 'fast-preview.json']));
  });

  for (const file of files) {
    it(`${file} loads, migrates and validates against the shipped node types`, async () => {
      const raw = JSON.parse(await fs.readFile(path.join(dir, file), 'utf8'));
      const graph = loadGraph(raw, undefined, file);
      expect(validateGraph(graph, shippedCatalogue())).toEqual([]);
      expect(graph.schemaVersion).toBe(1);
      // Migration is idempotent: loading the migrated graph again changes nothing.
      expect(loadGraph(structuredClone(graph))).toEqual(graph);
    });
  }

  it('default.json wires decode → depth → scenes, flow → smooth → refine → warp → encode with the documented ids', async () => {
    const g = loadGraph(JSON.parse(await fs.readFile(path.join(dir, 'default.json'), 'utf8')));
    expect(g.nodes.map((n) => `${n.id}:${n.type}`)).toEqual(['decode:decode', 'depth:depth', 'scenes:scene-detect', 'flow:optical-flow', 'smooth:temporal-smooth', 'refine:edge-refine', 'warp:stereo-warp', 'encode:encode']);
    expect(g.nodes.find((n) => n.id === 'depth')!.params.model).toBe('depth-anything-v2-small');
    const into = (id: string) => g.edges.filter((e) => e.target === id).map((e) => `${e.source}.${e.sourcePort}>${e.targetPort}`).sort();
    expect(into('smooth')).toEqual(['depth.depth>depth', 'flow.motion>motion', 'scenes.cuts>cuts']);
    expect(into('flow')).toEqual(['decode.frames>frames', 'depth.depth>depth']);
    expect(into('warp')).toEqual(['decode.frames>frames', 'refine.depth>depth']);
  });
});
