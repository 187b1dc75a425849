/** `--set <nodeId>.<param>=<value>` overrides: values are JSON when they parse as JSON, else strings. */
import { AneloError } from '../../nodes/core/errors.ts';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';

export interface ParamOverride {
  nodeId: string;
  param: string;
  value: unknown;
}

export function parseSet(text: string): ParamOverride {
  const m = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_]+)=(.*)$/s.exec(text);
  if (!m) throw new AneloError('ANELO_E051_BAD_SET', `--set "${text}": expected <nodeId>.<param>=<value>`, {});
  let value: unknown = m[3];
  try {
    value = JSON.parse(m[3]);
  } catch {
    /* a plain string */
  }
  return { nodeId: m[1], param: m[2], value };
}

/** Applies overrides to a copy of the graph; an unknown node id is an error (unknown params fail validation). */
export function applyOverrides(graph: GraphDocument, overrides: ParamOverride[]): GraphDocument {
  const out = structuredClone(graph);
  for (const o of overrides) {
    const node = out.nodes.find((n) => n.id === o.nodeId);
    if (!node) {
      const ids = out.nodes.map((n) => n.id).join(', ');
      throw new AneloError('ANELO_E051_BAD_SET', `--set ${o.nodeId}.${o.param}: no node "${o.nodeId}" in the graph (nodes: ${ids})`, { nodeId: o.nodeId, param: o.param });
    }
    node.params = { ...node.params, [o.param]: o.value };
  }
  return out;
}
