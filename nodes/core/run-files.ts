/**
 * How a run binds files to a graph, by what node definitions declare (`files`), never by node type names: the
 * run's input goes to source nodes, its output paths to sink nodes. The CLI, the server and cluster workers all
 * bind through here.
 */
import type { GraphDocument, GraphNode } from './graph-document.ts';
import type { AnyNodeDefinition } from './types.ts';

export interface FileSlot {
  node: GraphNode;
  /** The param that holds the file. */
  param: string;
}

function slots(graph: GraphDocument, definitions: readonly AnyNodeDefinition[], kind: 'input' | 'output'): FileSlot[] {
  const out: FileSlot[] = [];
  for (const node of graph.nodes) {
    const param = definitions.find((d) => d.type === node.type)?.files?.[kind];
    if (param) out.push({ node, param });
  }
  return out;
}

/** Nodes that read the run's input file (decode). */
export function inputSlots(graph: GraphDocument, definitions: readonly AnyNodeDefinition[]): FileSlot[] {
  return slots(graph, definitions, 'input');
}

/** Nodes that write an output file (encode). */
export function outputSlots(graph: GraphDocument, definitions: readonly AnyNodeDefinition[]): FileSlot[] {
  return slots(graph, definitions, 'output');
}

/**
 * Points source nodes at `input`, in place. 'unset': sources that name no file of their own, or the only source
 * (the CLI: a graph may read a second clip it names itself). 'all': every source (the server: a request never
 * names a file).
 */
export function bindInput(graph: GraphDocument, definitions: readonly AnyNodeDefinition[], input: string, mode: 'unset' | 'all'): void {
  const sources = inputSlots(graph, definitions);
  for (const { node, param } of sources) {
    if (mode === 'all' || !node.params[param] || sources.length === 1) node.params = { ...node.params, [param]: input };
  }
}

/** Output file per sink for an `output` path: the path itself for one sink, `<name>-<nodeId><ext>` for several. */
export function outputPaths(graph: GraphDocument, definitions: readonly AnyNodeDefinition[], output: string): Record<string, string> {
  const sinks = outputSlots(graph, definitions);
  const dot = output.lastIndexOf('.');
  const ext = dot > Math.max(output.lastIndexOf('/'), output.lastIndexOf('\\')) ? output.slice(dot) : '';
  const stem = output.slice(0, output.length - ext.length);
  return Object.fromEntries(sinks.map(({ node }) => [node.id, sinks.length === 1 ? output : `${stem}-${node.id}${ext}`]));
}
