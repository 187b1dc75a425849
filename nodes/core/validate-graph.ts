/**
 * Graph validation that reports every problem at once, each naming the node and the param or port.
 * Runs on catalogue descriptors (plain JSON), so the editor and the server share it.
 */
import type { Catalogue } from './catalogue.ts';
import type { GraphDocument } from './graph-document.ts';
import { checkParams } from './param-schema.ts';

export type GraphProblemKind =
  | 'document'
  | 'duplicate-id'
  | 'unknown-node-type'
  | 'unknown-param'
  | 'bad-param'
  | 'unknown-node'
  | 'unknown-port'
  | 'port-type-mismatch'
  | 'input-connected-twice'
  | 'missing-input'
  | 'cycle';

export interface GraphProblem {
  kind: GraphProblemKind;
  nodeId?: string;
  param?: string;
  port?: string;
  message: string;
}

const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
/**
 * Ids the pattern allows that every JavaScript object already has ("__proto__", "constructor", "toString", …): node
 * ids key reports, outputs and params objects, where such a key would set a prototype or read an inherited member.
 */
const RESERVED_IDS = new Set(Object.getOwnPropertyNames(Object.prototype));
/**
 * The most nodes and edges a graph may have: far beyond any conversion graph (tens of nodes), and a bound on what
 * validating an untrusted document costs (a 16 MB body of 70,000 nodes each closing a cycle took minutes and GBs).
 */
export const MAX_GRAPH_NODES = 1000;
export const MAX_GRAPH_EDGES = 4 * MAX_GRAPH_NODES;
/**
 * The deepest a graph document may nest (the document itself is level 1; a param's value sits at level 5). Copying
 * or saving a document recurses once a level, so a body of a few MB nested 100,000 deep overflowed the stack there:
 * every graph route answered 500 E099 instead of saying what was wrong.
 */
export const MAX_GRAPH_DEPTH = 32;
/** Cycles reported at most, and node ids shown of each: enough to find and break them, bounded for any graph. */
const MAX_CYCLES = 10;
const CYCLE_IDS_SHOWN = 12;

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Where `v` (at `depth`) holds a value nested deeper than MAX_GRAPH_DEPTH, as a path ("nodes[0].params.a.a…"), or
 * undefined. Recurses at most MAX_GRAPH_DEPTH levels, whatever the value.
 */
function tooDeep(v: object, depth: number, path: string): string | undefined {
  if (depth > MAX_GRAPH_DEPTH) return path;
  const keys = Array.isArray(v) ? undefined : Object.keys(v);
  const count = keys ? keys.length : (v as unknown[]).length;
  for (let i = 0; i < count; i++) {
    const x = keys ? (v as Record<string, unknown>)[keys[i]] : (v as unknown[])[i];
    if (typeof x !== 'object' || x === null) continue;
    const step = keys ? `.${keys[i].length > 40 ? `${keys[i].slice(0, 40)}…` : keys[i]}` : `[${i}]`;
    const at = tooDeep(x, depth + 1, path + step);
    if (at !== undefined) return at;
  }
  return undefined;
}

/** Structural checks of an untrusted value; returns problems instead of throwing. */
export function checkDocumentShape(doc: unknown): GraphProblem[] {
  const p: GraphProblem[] = [];
  if (!isRecord(doc)) return [{ kind: 'document', message: 'graph must be a JSON object' }];
  const deep = tooDeep(doc, 1, '');
  if (deep !== undefined) {
    const where = deep.replace(/^\./, '');
    const shown = where.length > 120 ? `${where.slice(0, 120)}…` : where;
    return [{ kind: 'document', message: `graph nests deeper than ${MAX_GRAPH_DEPTH} levels at ${shown}; anelo takes at most ${MAX_GRAPH_DEPTH}` }];
  }
  if (typeof doc.schemaVersion !== 'number') p.push({ kind: 'document', message: 'graph needs a numeric "schemaVersion"' });
  if (!Array.isArray(doc.nodes)) p.push({ kind: 'document', message: 'graph needs a "nodes" array' });
  if (!Array.isArray(doc.edges)) p.push({ kind: 'document', message: 'graph needs an "edges" array' });
  if (p.length) return p;
  const [nodes, edges] = [(doc.nodes as unknown[]).length, (doc.edges as unknown[]).length];
  if (nodes > MAX_GRAPH_NODES) p.push({ kind: 'document', message: `graph has ${nodes} nodes; anelo takes at most ${MAX_GRAPH_NODES}` });
  if (edges > MAX_GRAPH_EDGES) p.push({ kind: 'document', message: `graph has ${edges} edges; anelo takes at most ${MAX_GRAPH_EDGES}` });
  if (p.length) return p;
  (doc.nodes as unknown[]).forEach((n, i) => {
    if (!isRecord(n)) return p.push({ kind: 'document', message: `nodes[${i}] must be an object` });
    const where = typeof n.id === 'string' ? `node "${n.id}"` : `nodes[${i}]`;
    if (typeof n.id !== 'string' || !ID_PATTERN.test(n.id)) {
      p.push({ kind: 'document', message: `${where}: "id" must be 1-64 letters, digits, "_" or "-"` });
    } else if (RESERVED_IDS.has(n.id)) {
      p.push({ kind: 'document', nodeId: n.id, message: `${where}: "${n.id}" is reserved (a name every JavaScript object has); choose another id` });
    }
    if (typeof n.type !== 'string') p.push({ kind: 'document', nodeId: n.id as string, message: `${where}: "type" must be a string` });
    if (n.params !== undefined && !isRecord(n.params)) p.push({ kind: 'document', nodeId: n.id as string, message: `${where}: "params" must be an object` });
    const pos = n.position;
    if (pos !== undefined && !(isRecord(pos) && typeof pos.x === 'number' && typeof pos.y === 'number')) {
      p.push({ kind: 'document', nodeId: n.id as string, message: `${where}: "position" must be {x, y}` });
    }
    return undefined;
  });
  (doc.edges as unknown[]).forEach((e, i) => {
    if (!isRecord(e) || ['source', 'sourcePort', 'target', 'targetPort'].some((k) => typeof e[k] !== 'string')) {
      p.push({ kind: 'document', message: `edges[${i}] needs string "source", "sourcePort", "target" and "targetPort"` });
    }
  });
  return p;
}

/** Validates a (migrated) graph against the catalogue. An empty list means the graph can run. */
export function validateGraph(doc: GraphDocument, catalogue: Catalogue): GraphProblem[] {
  const shape = checkDocumentShape(doc);
  if (shape.length) return shape;
  const problems: GraphProblem[] = [];
  const byId = new Map<string, GraphDocument['nodes'][number]>();
  // A type is untrusted text: "toString" names no node type, whatever the catalogue's prototype has.
  const typeOf = (type: string) => (Object.hasOwn(catalogue, type) ? catalogue[type] : undefined);

  for (const n of doc.nodes) {
    if (byId.has(n.id)) {
      problems.push({ kind: 'duplicate-id', nodeId: n.id, message: `node id "${n.id}" is used more than once` });
      continue;
    }
    byId.set(n.id, n);
    const t = typeOf(n.type);
    if (!t) {
      problems.push({ kind: 'unknown-node-type', nodeId: n.id, message: `node "${n.id}": unknown node type "${n.type}"` });
      continue;
    }
    for (const pp of checkParams(t.params, n.params ?? {})) {
      const kind = pp.message.startsWith('unknown param') ? 'unknown-param' : 'bad-param';
      problems.push({ kind, nodeId: n.id, param: pp.param, message: `node "${n.id}": ${pp.message}` });
    }
  }

  const connected = new Map<string, string>();
  for (const e of doc.edges) {
    const src = byId.get(e.source);
    const dst = byId.get(e.target);
    if (!src) problems.push({ kind: 'unknown-node', nodeId: e.source, message: `edge from unknown node "${e.source}"` });
    if (!dst) problems.push({ kind: 'unknown-node', nodeId: e.target, message: `edge to unknown node "${e.target}"` });
    if (!src || !dst) continue;
    const out = typeOf(src.type)?.outputs.find((p) => p.name === e.sourcePort);
    const inp = typeOf(dst.type)?.inputs.find((p) => p.name === e.targetPort);
    if (typeOf(src.type) && !out) {
      problems.push({ kind: 'unknown-port', nodeId: src.id, port: e.sourcePort, message: `node "${src.id}" has no output port "${e.sourcePort}"` });
    }
    if (typeOf(dst.type) && !inp) {
      problems.push({ kind: 'unknown-port', nodeId: dst.id, port: e.targetPort, message: `node "${dst.id}" has no input port "${e.targetPort}"` });
    }
    if (out && inp && !out.types.some((t) => inp.types.includes(t))) {
      problems.push({
        kind: 'port-type-mismatch',
        nodeId: dst.id,
        port: e.targetPort,
        message: `node "${dst.id}" input "${e.targetPort}" takes ${inp.types.join(' or ')}, but "${src.id}.${e.sourcePort}" gives ${out.types.join(', ')}`,
      });
    }
    const key = `${e.target}\u0000${e.targetPort}`;
    if (connected.has(key)) {
      problems.push({ kind: 'input-connected-twice', nodeId: dst.id, port: e.targetPort, message: `node "${dst.id}" input "${e.targetPort}" is connected more than once` });
    }
    connected.set(key, e.source);
  }

  for (const n of byId.values()) {
    const t = typeOf(n.type);
    if (!t) continue;
    for (const port of t.inputs) {
      if (!port.optional && !connected.has(`${n.id}\u0000${port.name}`)) {
        problems.push({ kind: 'missing-input', nodeId: n.id, port: port.name, message: `node "${n.id}": required input "${port.name}" is not connected` });
      }
    }
  }

  for (const cycle of findCycles(doc, MAX_CYCLES)) {
    const ids = [...cycle, cycle[0]];
    const shown = ids.length <= CYCLE_IDS_SHOWN ? ids : [...ids.slice(0, CYCLE_IDS_SHOWN - 2), `… (${cycle.length} nodes in all)`, ...ids.slice(-1)];
    problems.push({ kind: 'cycle', nodeId: cycle[0], message: `cycle: ${shown.join(' -> ')}` });
  }
  return problems;
}

/** Each cycle once (at most `limit` of them), as the list of node ids along it. */
export function findCycles(doc: Pick<GraphDocument, 'nodes' | 'edges'>, limit = Infinity): string[][] {
  const next = new Map<string, string[]>();
  for (const e of doc.edges) {
    const targets = next.get(e.source);
    if (targets) targets.push(e.target);
    else next.set(e.source, [e.target]);
  }
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  // Depth-first with an explicit stack: a long chain (thousands of nodes) must not overflow the call stack.
  const visit = (root: string): void => {
    const work: { id: string; i: number }[] = [{ id: root, i: 0 }];
    state.set(root, 1);
    stack.push(root);
    while (work.length) {
      const top = work[work.length - 1];
      const targets = next.get(top.id) ?? [];
      if (top.i < targets.length) {
        const t = targets[top.i++];
        if (state.get(t) === 1) {
          cycles.push(stack.slice(stack.indexOf(t)));
          if (cycles.length >= limit) return;
        } else if (!state.has(t)) {
          state.set(t, 1);
          stack.push(t);
          work.push({ id: t, i: 0 });
        }
      } else {
        work.pop();
        stack.pop();
        state.set(top.id, 2);
      }
    }
  };
  for (const n of doc.nodes) if (!state.has(n.id) && cycles.length < limit) visit(n.id);
  return cycles;
}

/** Would adding this edge close a cycle? Used by the editor's isValidConnection. */
export function wouldCreateCycle(doc: Pick<GraphDocument, 'nodes' | 'edges'>, source: string, target: string): boolean {
  if (source === target) return true;
  const seen = new Set<string>();
  const todo = [target];
  while (todo.length) {
    const id = todo.pop()!;
    if (id === source) return true;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const e of doc.edges) if (e.source === id) todo.push(e.target);
  }
  return false;
}
