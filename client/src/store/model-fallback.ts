/**
 * When the model a graph or a new Depth node prefers is not installed but another one is, use the installed one
 * and say so once, briefly; the Download button stays on the node for the preferred model.
 */
import type { Draft } from 'immer';
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import type { ModelListing } from '../api/api-types.ts';
import { labelNamesModel, modelOf, modelParamName } from '../lib/model-param.ts';
import { getState } from './editor-store.ts';

/** The installed model to use instead of `preferred`, or undefined when `preferred` is fine (or none is installed). */
export function installedFallback(models: ModelListing[], preferred: string | undefined): ModelListing | undefined {
  if (!preferred) return undefined;
  const want = models.find((m) => m.id === preferred);
  if (!want || want.installed) return undefined;
  return models.find((m) => m.installed);
}

/**
 * Switches every model param of `g` that names a missing model to an installed one (and a label that was the old
 * model's name to the new one). Returns one short notice, or undefined when nothing changed.
 */
export function switchToInstalledModels(g: Draft<GraphDocument> | GraphDocument): string | undefined {
  const { catalogue, models } = getState();
  const changed: string[] = [];
  for (const n of g.nodes) {
    const schema = catalogue?.[n.type]?.params;
    const param = modelParamName(schema);
    const fallback = installedFallback(models, modelOf(n, schema));
    if (!param || !fallback) continue;
    const old = models.find((m) => m.id === modelOf(n, schema));
    n.params[param] = fallback.id;
    if (labelNamesModel(n.label, old)) n.label = fallback.name;
    changed.push(`${old?.name ?? 'the preferred model'} → ${fallback.name}`);
  }
  if (!changed.length) return undefined;
  return `Using ${[...new Set(changed)].join(', ')}: the preferred model is not installed (Download is on the node).`;
}

/** Nodes of the graph whose model is known and not installed, as "<node>: <model>" for one short message. */
export function missingModels(): string[] {
  const { graph, catalogue, models } = getState();
  const out: string[] = [];
  for (const n of graph.nodes) {
    if (n.bypass) continue;
    const d = catalogue?.[n.type];
    const m = models.find((x) => x.id === modelOf(n, d?.params));
    if (m && !m.installed) out.push(`${n.label ?? d?.label ?? n.id}: ${m.name}`);
  }
  return out;
}
