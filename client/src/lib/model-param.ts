/** Which param of a node picks a depth model (the one whose UI widget is "model"), and its current value. */
import type { GraphNode } from '../../../nodes/core/graph-document.ts';
import type { JsonSchema } from '../../../nodes/core/param-schema.ts';

export function modelParamName(schema: JsonSchema | undefined): string | undefined {
  for (const [name, s] of Object.entries(schema?.properties ?? {})) {
    if ((s.ui as { widget?: string } | undefined)?.widget === 'model') return name;
  }
  return undefined;
}

/** The model id a node uses (its param, else the schema default). */
export function modelOf(node: Pick<GraphNode, 'params'>, schema: JsonSchema | undefined): string | undefined {
  const name = modelParamName(schema);
  if (!name) return undefined;
  const v = name in node.params ? node.params[name] : schema?.properties?.[name]?.default;
  return typeof v === 'string' ? v : undefined;
}

const norm = (s: string): string => s.toLowerCase().replace(/[^a-z0-9]/g, '');

/** Whether a node title just names its model ("MiDaS v2.1 small" for "MiDaS v2.1 Small 256"), so it may follow a new one. */
export function labelNamesModel(label: string | undefined, model: { id: string; name: string } | undefined): boolean {
  if (!label || !model) return false;
  const l = norm(label);
  const n = norm(model.name);
  return l.length > 0 && (l === norm(model.id) || n.startsWith(l) || l.startsWith(n));
}
