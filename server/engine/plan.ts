/**
 * A run plan: the graph resolved against node definitions — canonical params (defaults filled, keys sorted),
 * input wiring, stream info and identity per node. Node ids, positions and labels stay out of everything that
 * enters a cache key.
 */
import { AneloError, toAneloError } from '../../nodes/core/errors.ts';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';
import { withDefaults, type JsonSchema } from '../../nodes/core/param-schema.ts';
import type { AnyNodeDefinition, Services, StreamInfo, TemporalWindow } from '../../nodes/core/types.ts';
import { canonicalJson, sha256 } from './hash.ts';
import { describeCatalogue, type Catalogue } from '../../nodes/core/catalogue.ts';
import { resolveBypass } from '../../nodes/core/resolve-bypass.ts';

const catalogues = new WeakMap<readonly AnyNodeDefinition[], Catalogue>();

function catalogueOf(definitions: readonly AnyNodeDefinition[]): Catalogue {
  let c = catalogues.get(definitions);
  if (!c) catalogues.set(definitions, (c = describeCatalogue(definitions)));
  return c;
}

export interface PlannedNode {
  id: string;
  def: AnyNodeDefinition;
  params: Record<string, unknown>;
  /** Input port → the output feeding it. */
  inputs: Record<string, { nodeId: string; port: string } | undefined>;
  info: Record<string, StreamInfo>;
  window: TemporalWindow;
  /** Hash of type, version, canonical params, identity (model hash, source fingerprint) and info-only inputs' info. */
  staticKey: string;
}

export interface Plan {
  nodes: Map<string, PlannedNode>;
  order: string[];
}

export async function buildPlan(doc: GraphDocument, definitions: readonly AnyNodeDefinition[], services: Services): Promise<Plan> {
  const graph = resolveBypass(doc, catalogueOf(definitions));
  const order = topologicalOrder(graph);
  const nodes = new Map<string, PlannedNode>();
  for (const id of order) {
    const n = graph.nodes.find((x) => x.id === id)!;
    const def = definitions.find((d) => d.type === n.type);
    if (!def) throw new AneloError('ANELO_E001_GRAPH_INVALID', `node "${id}": unknown node type "${n.type}"`, { nodeId: id });
    const params = withDefaults(def.params as unknown as JsonSchema, n.params ?? {});
    const inputs: PlannedNode['inputs'] = {};
    for (const port of def.inputs) {
      const e = graph.edges.find((x) => x.target === id && x.targetPort === port.name);
      inputs[port.name] = e ? { nodeId: e.source, port: e.sourcePort } : undefined;
    }
    const inputInfo: Record<string, StreamInfo | undefined> = {};
    for (const [port, src] of Object.entries(inputs)) inputInfo[port] = src ? nodes.get(src.nodeId)!.info[src.port] : undefined;
    const ctx = { nodeId: id, params, inputs: inputInfo, services };
    try {
      const info = await def.info(ctx);
      const identity = def.identity ? await def.identity(ctx) : '';
      const window = def.window ? def.window(params) : { before: 0, after: 0 };
      const staticKey = sha256(canonicalJson({ type: def.type, version: def.version, params, identity, infoInputs: infoOnlyKey(def, inputInfo) }));
      nodes.set(id, { id, def, params, inputs, info, window, staticKey });
    } catch (e) {
      const err = toAneloError(e, { nodeId: id });
      if (!err.where.nodeId) (err.where as { nodeId?: string }).nodeId = id;
      throw err;
    }
  }
  return { nodes, order };
}

/**
 * What an info-only input contributes to a node's key: the shape of its stream, not where it came from (a moved
 * source or another model of the same size reads the same). Undefined when the node has none, so other keys are
 * as before. The other inputs enter each piece's key by their content digests.
 */
function infoOnlyKey(def: AnyNodeDefinition, inputInfo: Record<string, StreamInfo | undefined>): Record<string, unknown> | undefined {
  const ports = def.inputs.filter((s) => s.infoOnly);
  if (!ports.length) return undefined;
  return Object.fromEntries(
    ports.map((s) => {
      const i = inputInfo[s.name];
      return [s.name, i ? { type: i.type, width: i.width, height: i.height, fps: i.fps, frameCount: i.frameCount } : null];
    }),
  );
}

function topologicalOrder(graph: GraphDocument): string[] {
  const indegree = new Map(graph.nodes.map((n) => [n.id, 0]));
  for (const e of graph.edges) indegree.set(e.target, (indegree.get(e.target) ?? 0) + 1);
  const ready = graph.nodes.filter((n) => indegree.get(n.id) === 0).map((n) => n.id);
  const order: string[] = [];
  while (ready.length) {
    const id = ready.shift()!;
    order.push(id);
    for (const e of graph.edges) {
      if (e.source !== id) continue;
      const d = indegree.get(e.target)! - 1;
      indegree.set(e.target, d);
      if (d === 0) ready.push(e.target);
    }
  }
  if (order.length !== graph.nodes.length) throw new AneloError('ANELO_E001_GRAPH_INVALID', 'graph has a cycle');
  return order;
}

/** Nodes that `targets` depend on (including themselves). */
export function upstreamOf(plan: Plan, targets: string[]): Set<string> {
  const seen = new Set<string>();
  const todo = [...targets];
  while (todo.length) {
    const id = todo.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const src of Object.values(plan.nodes.get(id)?.inputs ?? {})) if (src) todo.push(src.nodeId);
  }
  return seen;
}

/**
 * Starts a node's `prepare` (the depth node loads its model on the depth threads); callers need not wait for it. It
 * settles once the prepare has (never rejects): a failure is ignored, since the node meets the same fault where it
 * runs and reports it there.
 */
export function prepareNode(plan: Plan, node: PlannedNode, services: Services): Promise<void> {
  if (!node.def.prepare) return Promise.resolve();
  const inputs = Object.fromEntries(Object.entries(node.inputs).map(([port, src]) => [port, src && plan.nodes.get(src.nodeId)?.info[src.port]]));
  const prepare = node.def.prepare.bind(node.def);
  return Promise.resolve()
    .then(() => prepare({ nodeId: node.id, params: node.params, inputs, services }))
    .catch(() => {});
}
