import { describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import { MAX_GRAPH_DEPTH, MAX_GRAPH_NODES, validateGraph, wouldCreateCycle } from '../../../nodes/core/validate-graph.ts';
import { migrateGraph, shippedCatalogue } from '../../../server/engine/load-graph.ts';

const cat = shippedCatalogue();

function graph(nodes: GraphDocument['nodes'], edges: GraphDocument['edges']): GraphDocument {
  return { schemaVersion: 1, nodes, edges };
}
const at = { x: 0, y: 0 };
const decode = (id = 'decode', params: Record<string, unknown> = {}) => ({ id, type: 'decode', params, position: at });
const encode = (id = 'encode', params: Record<string, unknown> = {}) => ({ id, type: 'encode', params, position: at });
const wire = (s: string, sp: string, t: string, tp: string) => ({ source: s, sourcePort: sp, target: t, targetPort: tp });

describe('graph validation', () => {
  it('accepts a decode → encode graph with params by name and defaults for the rest', () => {
    expect(validateGraph(graph([decode(), encode('encode', { crf: 20 })], [wire('decode', 'frames', 'encode', 'video')]), cat)).toEqual([]);
  });

  it('reports every problem at once, each naming the node and the param or port', () => {
    const g = graph(
      [
        decode('a', { maxHeight: -5, colour: 'red' }),
        decode('a'),
        { id: 'x', type: 'teleport', params: {}, position: at },
        encode('e1', { codec: 'vp9', crf: 'high' }),
        encode('e2'),
      ],
      [wire('a', 'nope', 'e1', 'video'), wire('a', 'frames', 'e1', 'audio')],
    );
    const problems = validateGraph(g, cat);
    const kinds = problems.map((p) => `${p.kind}:${p.nodeId}:${p.param ?? p.port ?? ''}`);
    expect(kinds).toEqual(
      expect.arrayContaining([
        'bad-param:a:maxHeight',
        'unknown-param:a:colour',
        'duplicate-id:a:',
        'unknown-node-type:x:',
        'bad-param:e1:codec',
        'bad-param:e1:crf',
        'unknown-port:a:nope',
        'unknown-port:e1:audio',
        'missing-input:e2:video',
      ]),
    );
    expect(problems.find((p) => p.param === 'maxHeight')!.message).toBe('node "a": param "maxHeight" must be at least 0, got -5');
    expect(problems.find((p) => p.kind === 'bad-param' && p.param === 'codec')!.message).toContain('must be one of "h264", "h265"');
  });

  it('refuses a port type mismatch and an input connected twice', () => {
    const g = graph(
      [decode('d1'), decode('d2'), encode('e'), { id: 's', type: 'encode', params: {}, position: at }],
      [wire('d1', 'frames', 'e', 'video'), wire('d2', 'frames', 'e', 'video'), wire('d1', 'frames', 's', 'video')],
    );
    const problems = validateGraph(g, cat);
    expect(problems.map((p) => p.kind)).toContain('input-connected-twice');
    const mismatch = validateGraph(
      graph([decode('d'), { id: 'c', type: 'cutsonly', params: {}, position: at }], []),
      { ...cat, cutsonly: { ...cat.encode, type: 'cutsonly', inputs: [{ name: 'cuts', types: ['cuts'] }] } },
    );
    expect(mismatch.map((p) => p.kind)).toEqual(['missing-input']);
    const typed = validateGraph(
      graph([decode('d'), { id: 'c', type: 'cutsonly', params: {}, position: at }], [wire('d', 'frames', 'c', 'cuts')]),
      { ...cat, cutsonly: { ...cat.encode, type: 'cutsonly', inputs: [{ name: 'cuts', types: ['cuts'] }] } },
    );
    expect(typed).toEqual([expect.objectContaining({ kind: 'port-type-mismatch', nodeId: 'c', port: 'cuts', message: expect.stringContaining('takes cuts') })]);
  });

  it('finds cycles and tells the editor before an edge closes one', () => {
    const loopCat = { ...cat, pass: { ...cat.encode, type: 'pass', inputs: [{ name: 'in', types: ['frames' as const] }], outputs: [{ name: 'out', types: ['frames' as const] }] } };
    const g = graph(
      [
        { id: 'p', type: 'pass', params: {}, position: at },
        { id: 'q', type: 'pass', params: {}, position: at },
      ],
      [wire('p', 'out', 'q', 'in'), wire('q', 'out', 'p', 'in')],
    );
    expect(validateGraph(g, loopCat)).toEqual([expect.objectContaining({ kind: 'cycle', message: 'cycle: p -> q -> p' })]);
    expect(wouldCreateCycle(graph(g.nodes, [wire('p', 'out', 'q', 'in')]), 'q', 'p')).toBe(true);
    expect(wouldCreateCycle(graph(g.nodes, []), 'q', 'p')).toBe(false);
  });

  it('a type, param or id named like a member every JavaScript object has is a problem, not Object.prototype\'s', () => {
    const parse = (g: GraphDocument): GraphDocument => JSON.parse(JSON.stringify(g));
    // Types: unknown, on the catalogue the server makes and on one received as JSON (the editor's).
    for (const c of [cat, JSON.parse(JSON.stringify(cat))]) {
      for (const type of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        const problems = validateGraph(graph([decode(), { id: 'x', type, params: {}, position: at }], []), c);
        expect(problems.map((p) => p.message)).toEqual([`node "x": unknown node type "${type}"`]);
      }
    }
    // Params: unknown (a JSON document keeps "__proto__" as a key of its own).
    const params = parse(graph([decode('d', { constructor: 1 }), encode()], [wire('d', 'frames', 'encode', 'video')]));
    (params.nodes[1].params as Record<string, unknown>) = JSON.parse('{"__proto__": {"crf": 51}}');
    expect(validateGraph(params, cat).map((p) => p.message)).toEqual(['node "d": unknown param "constructor"', 'node "encode": unknown param "__proto__"']);
    // Ids: reserved, as they key reports and outputs (a report's "__proto__" row would set its prototype instead).
    for (const id of ['__proto__', 'constructor', 'valueOf']) {
      const g = parse(graph([decode(id), encode()], [wire(id, 'frames', 'encode', 'video')]));
      expect(validateGraph(g, cat).map((p) => p.message)).toEqual([`node "${id}": "${id}" is reserved (a name every JavaScript object has); choose another id`]);
    }
  });

  it('a document nested deeper than anelo takes is one problem naming where, not a stack overflow', () => {
    // As JSON parses it: 100,000 levels in a param value, in a node's extra field, in an edge.
    const deep = (open: string, inner: string, close: string, n = 100_000) => JSON.parse(open.repeat(n) + inner + close.repeat(n)) as unknown;
    const base = () => JSON.parse(JSON.stringify(graph([decode('d'), encode()], [wire('d', 'frames', 'encode', 'video')]))) as GraphDocument & Record<string, unknown>;
    const inParam = base();
    (inParam.nodes[0].params as Record<string, unknown>).maxHeight = deep('[', '', ']');
    const inExtra = base();
    (inExtra.nodes[1] as unknown as Record<string, unknown>).ui = deep('{"a":', '1', '}');
    const inEdge = base();
    (inEdge.edges[0] as unknown as Record<string, unknown>).style = deep('[', '{}', ']');
    const cases: [GraphDocument, string][] = [
      [inParam, 'nodes[0].params.maxHeight[0][0]'],
      [inExtra, 'nodes[1].ui.a.a.a'],
      [inEdge, 'edges[0].style[0][0][0]'],
    ];
    for (const [g, where] of cases) {
      const problems = validateGraph(g, cat);
      expect(problems).toHaveLength(1);
      expect(problems[0].message).toMatch(new RegExp(`^graph nests deeper than ${MAX_GRAPH_DEPTH} levels at ${where.replace(/[[\].]/g, '\\$&')}`));
      expect(problems[0].message.length).toBeLessThan(220);
      // Loading it (a file, a request's body) says the same, as ANELO_E001; structuredClone overflowed the stack.
      expect(() => migrateGraph(g)).toThrow(expect.objectContaining({ code: 'ANELO_E001_GRAPH_INVALID', message: expect.stringContaining('nests deeper than') }));
    }
    // Up to the limit is a document like any other: a param value nested to the last level passes this check.
    const atLimit = base();
    (atLimit.nodes[0].params as Record<string, unknown>).note = deep('[', '', ']', MAX_GRAPH_DEPTH - 4);
    expect(validateGraph(atLimit, cat).map((p) => p.message)).toEqual(['node "d": unknown param "note"']);
    (atLimit.nodes[0].params as Record<string, unknown>).note = deep('[', '', ']', MAX_GRAPH_DEPTH - 3);
    expect(validateGraph(atLimit, cat).map((p) => p.message)).toEqual([expect.stringMatching(/^graph nests deeper than 32 levels at nodes\[0\]\.params\.note(\[0\]){28}; /)]);
  });

  it('a number too large for a double (--set warp.divergence=1e309 parses as Infinity) is named as such, not as null', () => {
    const g = graph([decode('d', { maxHeight: Number('1e309') }), encode()], [wire('d', 'frames', 'encode', 'video')]);
    expect(validateGraph(g, cat).map((p) => p.message)).toEqual(['node "d": param "maxHeight" must be a finite number, got Infinity']);
  });

  it('bounds what an untrusted document costs: a size limit, and at most ten cycles, each shown short', () => {
    const smooth = (i: number) => ({ id: `n${i}`, type: 'temporal-smooth', params: {}, position: at });
    const big = graph(Array.from({ length: MAX_GRAPH_NODES + 1 }, (_, i) => smooth(i)), []);
    expect(validateGraph(big, cat).map((p) => p.message)).toEqual([`graph has ${MAX_GRAPH_NODES + 1} nodes; anelo takes at most ${MAX_GRAPH_NODES}`]);
    // A chain of the most nodes allowed, each node also feeding the first: 999 cycles, up to 1000 nodes long (their
    // full list was 38 MB of messages for 3000 nodes).
    const n = MAX_GRAPH_NODES;
    const edges = [];
    for (let i = 1; i < n; i++) edges.push(wire(`n${i - 1}`, 'depth', `n${i}`, 'depth'));
    for (let i = 1; i < n; i++) edges.push(wire(`n${i}`, 'depth', 'n0', 'motion'));
    const cycles = validateGraph(graph(Array.from({ length: n }, (_, i) => smooth(i)), edges), cat).filter((p) => p.kind === 'cycle');
    expect(cycles).toHaveLength(10);
    expect(cycles[0].message).toBe('cycle: n0 -> n1 -> n2 -> n3 -> n4 -> n5 -> n6 -> n7 -> n8 -> n9 -> … (1000 nodes in all) -> n0');
    expect(cycles.at(-1)!.message).toBe('cycle: n0 -> n1 -> n2 -> n3 -> n4 -> n5 -> n6 -> n7 -> n8 -> n9 -> … (991 nodes in all) -> n0');
  });

  it('rejects documents that are not graphs with a readable message', () => {
    expect(validateGraph({ nodes: 3 } as unknown as GraphDocument, cat).map((p) => p.message)).toEqual([
      'graph needs a numeric "schemaVersion"',
      'graph needs a "nodes" array',
      'graph needs an "edges" array',
    ]);
  });
});
