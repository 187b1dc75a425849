/** The default preset with bench overrides applied by node id and param name, as `anelo run --set` does. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';
import { loadGraph } from '../../server/engine/load-graph.ts';
import { PROJECT_ROOT } from '../../test/helpers/shared-data.ts';

export type Overrides = Record<string, Record<string, unknown>>;

/** graphs/default.json as raw JSON (for child processes, which load it themselves). */
export function defaultGraphJson(overrides: Overrides = {}): Record<string, unknown> {
  const doc = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'graphs', 'default.json'), 'utf8')) as { nodes: { id: string; params: Record<string, unknown> }[] };
  for (const [id, params] of Object.entries(overrides)) {
    const node = doc.nodes.find((n) => n.id === id);
    if (!node) throw new Error(`graphs/default.json has no node "${id}"`);
    node.params = { ...node.params, ...params };
  }
  return doc as unknown as Record<string, unknown>;
}

/** The default graph, loaded (migrated + validated), with overrides. */
export function defaultGraph(overrides: Overrides = {}): GraphDocument {
  return loadGraph(defaultGraphJson(overrides));
}

/** Merges override sets, later ones winning per param. */
export function mergeOverrides(...sets: Overrides[]): Overrides {
  const out: Overrides = {};
  for (const s of sets) for (const [id, p] of Object.entries(s)) out[id] = { ...out[id], ...p };
  return out;
}
