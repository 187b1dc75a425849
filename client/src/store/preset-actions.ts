/** Presets on the server: list, open, save, save as, delete; plus export/import of .json files. */
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import { checkDocumentShape } from '../../../nodes/core/validate-graph.ts';
import { api } from '../api/api-client.ts';
import { ApiError } from '../api/api-error.ts';
import { downloadText } from '../lib/download-file.ts';
import { presetNameProblem } from '../lib/preset-name.ts';
import { getState, update } from './editor-store.ts';
import { loadGraph } from './graph-actions.ts';
import { notify, reportError } from './status-actions.ts';

export async function refreshPresets(): Promise<void> {
  try {
    const presets = await api.graphs();
    update((s) => void (s.presets = presets));
  } catch (e) {
    reportError(e, 'Listing presets');
  }
}

export async function openPreset(name: string): Promise<void> {
  try {
    loadGraph(await api.graph(name), name);
    notify(`Opened "${name}"`);
  } catch (e) {
    reportError(e, `Opening "${name}"`);
  }
}

function isBuiltIn(name: string): boolean {
  return getState().presets.some((p) => p.name === name && p.builtIn);
}

/** Saves under `name`; a graph the server finds invalid gets its problems shown on the nodes. */
async function saveAs(name: string): Promise<boolean> {
  const graph: GraphDocument = { ...getState().graph, name };
  try {
    await api.saveGraph(name, graph);
    update((s) => {
      s.presetName = name;
      s.dirty = false;
      s.problems = [];
      s.graph.name = name;
    });
    notify(`Saved "${name}"`);
    await refreshPresets();
    return true;
  } catch (e) {
    if (e instanceof ApiError && e.problems.length) update((s) => void (s.problems = e.problems));
    reportError(e, `Saving "${name}"`);
    return false;
  }
}

/** Save: over the current preset, or asks for a name when there is none or it is built in. */
export async function savePreset(): Promise<void> {
  const name = getState().presetName;
  if (name && !isBuiltIn(name)) await saveAs(name);
  else await savePresetAs();
}

/** Asks for a name (checked here first), then saves. */
export async function savePresetAs(): Promise<void> {
  let suggestion = getState().presetName ? `${getState().presetName} copy` : 'my graph';
  for (;;) {
    const name = window.prompt('Save preset as', suggestion);
    if (name === null) return;
    const problem = presetNameProblem(name) ?? (isBuiltIn(name) ? `"${name}" is a built-in preset; choose another name` : undefined);
    if (!problem) {
      await saveAs(name);
      return;
    }
    reportError(new Error(problem), 'Preset name');
    suggestion = name;
  }
}

export async function deletePreset(name: string): Promise<void> {
  if (!window.confirm(`Delete preset "${name}"?`)) return;
  try {
    await api.deleteGraph(name);
    if (getState().presetName === name) update((s) => void (s.presetName = null));
    notify(`Deleted "${name}"`);
    await refreshPresets();
  } catch (e) {
    reportError(e, `Deleting "${name}"`);
  }
}

export function exportGraph(): void {
  const s = getState();
  const name = s.presetName ?? s.graph.name ?? 'graph';
  downloadText(`${name.replace(/[^A-Za-z0-9 _.-]/g, '_')}.json`, `${JSON.stringify(s.graph, null, 2)}\n`);
}

/**
 * Loads a graph from untrusted JSON (file, share link) after the server migrates and checks it. When the
 * server cannot be reached, a document of the right shape is loaded as it is, so a share link is not lost.
 */
export async function importGraph(value: unknown, origin: string): Promise<boolean> {
  try {
    const { graph, problems } = await api.validateGraph(value);
    loadGraph(graph, null, { dirty: true });
    if (problems.length) {
      update((s) => void (s.problems = problems));
      reportError(new Error(`${problems.length} problem(s) in the graph; see the marked nodes`), origin);
    } else notify(`Loaded ${origin}`);
    return true;
  } catch (e) {
    reportError(e, origin);
    if (e instanceof ApiError && e.status === 0 && checkDocumentShape(value).length === 0) {
      loadGraph(value as GraphDocument, null, { dirty: true });
      return true;
    }
    return false;
  }
}

export async function importGraphFile(file: File): Promise<void> {
  let value: unknown;
  try {
    value = JSON.parse(await file.text());
  } catch {
    reportError(new Error(`${file.name} is not valid JSON`), 'Import');
    return;
  }
  await importGraph(value, `"${file.name}"`);
}
