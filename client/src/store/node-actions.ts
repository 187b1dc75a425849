/** Graph edits the canvas and node forms call: add, remove, connect, move, set a param. */
import { withDefaults } from '../../../nodes/core/param-schema.ts';
import { edgeId, type GraphEdge } from '../../../nodes/core/graph-document.ts';
import { freeShift } from '../lib/free-spot.ts';
import { nodeRect } from '../lib/node-rects.ts';
import { newNodeId } from '../lib/node-id.ts';
import { labelNamesModel, modelOf, modelParamName } from '../lib/model-param.ts';
import { editGraph } from './graph-actions.ts';
import { switchToInstalledModels } from './model-fallback.ts';
import { notify } from './status-actions.ts';
import { getState, update } from './editor-store.ts';

/** Adds a node of `type` with its default params; returns its id. */
export function addNode(type: string, position: { x: number; y: number }): string | undefined {
  const desc = getState().catalogue?.[type];
  if (!desc) return undefined;
  const id = newNodeId(type, getState().graph.nodes.map((n) => n.id));
  // Never on top of another node: a wire dropped there would land on the wrong handle.
  const { dx, dy } = freeShift(getState().graph.nodes.map((n) => nodeRect(n)), [nodeRect({ id, position })]);
  const node = { id, type, version: desc.version, params: withDefaults(desc.params, {}), position: { x: position.x + dx, y: position.y + dy } };
  // A new Depth node starts on an installed model when its default one is missing.
  const notice = switchToInstalledModels({ schemaVersion: 1, nodes: [node], edges: [] });
  editGraph((g) => {
    g.nodes.push(node);
  });
  if (notice) notify(notice);
  update((s) => {
    s.selection = { nodes: [id], edges: [] };
  });
  return id;
}

/** Removes nodes (with their edges) and edges, as one undo step. */
export function removeElements(nodeIds: string[], edgeIds: string[]): void {
  const nodes = new Set(nodeIds);
  const edges = new Set(edgeIds);
  editGraph((g) => {
    g.nodes = g.nodes.filter((n) => !nodes.has(n.id));
    g.edges = g.edges.filter((e) => !nodes.has(e.source) && !nodes.has(e.target) && !edges.has(edgeId(e)));
  });
  update((s) => {
    s.selection = { nodes: [], edges: [] };
  });
}

/** Adds an edge; `replaces` (the edge now feeding that input) goes in the same undo step. */
export function connect(edge: GraphEdge, replaces?: GraphEdge): void {
  editGraph((g) => {
    if (replaces) g.edges = g.edges.filter((e) => edgeId(e) !== edgeId(replaces));
    g.edges.push(edge);
  });
}

/** Moves nodes; a drag is one undo step (sealed by the canvas when the drag ends). */
export function moveNodes(positions: Record<string, { x: number; y: number }>): void {
  const ids = Object.keys(positions).sort().join(',');
  editGraph((g) => {
    for (const n of g.nodes) if (positions[n.id]) n.position = positions[n.id];
  }, `move:${ids}`);
}

/** Sets one param; a slider drag coalesces into one undo step. A title that named the old model follows the new one. */
export function setParam(nodeId: string, name: string, value: unknown): void {
  const { catalogue, models } = getState();
  editGraph((g) => {
    const n = g.nodes.find((x) => x.id === nodeId);
    if (!n) return;
    const schema = catalogue?.[n.type]?.params;
    if (name === modelParamName(schema) && n.label) {
      const was = models.find((m) => m.id === modelOf(n, schema));
      const now = models.find((m) => m.id === value);
      if (now && labelNamesModel(n.label, was)) n.label = now.name;
    }
    n.params[name] = value;
  }, `param:${nodeId}:${name}`);
}

export function renameNode(nodeId: string, label: string): void {
  editGraph((g) => {
    const n = g.nodes.find((x) => x.id === nodeId);
    if (!n) return;
    if (label.trim() === '') delete n.label;
    else n.label = label;
  });
}

/** Mutes the nodes (or unmutes them when all are muted already), as one undo step. */
export function toggleBypass(nodeIds: string[]): void {
  const ids = new Set(nodeIds);
  const all = getState().graph.nodes.filter((n) => ids.has(n.id));
  if (!all.length) return;
  const on = !all.every((n) => n.bypass);
  editGraph((g) => {
    for (const n of g.nodes) {
      if (!ids.has(n.id)) continue;
      if (on) n.bypass = true;
      else delete n.bypass;
    }
  });
}
