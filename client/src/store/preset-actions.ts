/**
 * Presets on the server: list, open, new, rename, save, save as, delete (all through in-app dialogs); plus
 * export/import of .json files. Anything that replaces a modified graph asks first.
 */
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import { emptyGraph } from './editor-state.ts';
import { checkDocumentShape } from '../../../nodes/core/validate-graph.ts';
import { api } from '../api/api-client.ts';
import { ApiError } from '../api/api-error.ts';
import { downloadText } from '../lib/download-file.ts';
import { presetNameProblem } from '../lib/preset-name.ts';
import { getState, update } from './editor-store.ts';
import { askConfirm, askText } from './dialog-actions.ts';
import { editGraph, loadGraph } from './graph-actions.ts';
import { notify, reportError } from './status-actions.ts';
import { graphTitle, mayReplaceGraph } from './unsaved-guard.ts';

export async function refreshPresets(): Promise<void> {
  try {
    const presets = await api.graphs();
    update((s) => void (s.presets = presets));
  } catch (e) {
    reportError(e, 'Listing presets');
  }
}

export async function openPreset(name: string): Promise<void> {
  if (!(await mayReplaceGraph(`Opening "${name}"`))) return;
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

/** Save: over the current preset (or under the name given by Rename), else asks for a name. */
export async function savePreset(): Promise<void> {
  const s = getState();
  const name = s.presetName ?? s.graph.name;
  const taken = s.presetName === null && s.presets.some((p) => p.name === name);
  if (name && !isBuiltIn(name) && !taken && !presetNameProblem(name)) await saveAs(name);
  else await savePresetAs();
}

function nameProblem(name: string): string | undefined {
  return presetNameProblem(name) ?? (isBuiltIn(name) ? `"${name}" is a built-in preset; choose another name` : undefined);
}

/** Asks for a name (checked as it is typed), then saves. */
export async function savePresetAs(): Promise<void> {
  const s = getState();
  const current = s.presetName ?? s.graph.name;
  const suggestion = current ? (isBuiltIn(current) || current === s.presetName ? `${current} copy` : current) : 'my graph';
  const name = await askText({ title: 'Save graph as', label: 'Preset name', value: suggestion, confirmLabel: 'Save', validate: nameProblem });
  if (name !== null) await saveAs(name);
}

/** New: an empty graph, after asking when the current one has unsaved changes. */
export async function newGraph(): Promise<void> {
  if (!(await mayReplaceGraph('A new graph'))) return;
  loadGraph(emptyGraph(), null);
  update((s) => void (s.canvasMessage = 'A new graph: drag nodes from the palette (or click them) to start.'));
}

/**
 * Renames the graph. A saved preset of the user's is renamed on the server; a built-in or unsaved graph only
 * takes the new name, used when it is saved.
 */
export async function renameGraph(): Promise<void> {
  const s = getState();
  const saved = s.presetName && !isBuiltIn(s.presetName) ? s.presetName : null;
  const to = await askText({
    title: 'Rename graph',
    message: saved ? `The preset "${saved}" is renamed on the server.` : 'The name is used when the graph is saved.',
    label: 'Name',
    value: graphTitle(),
    confirmLabel: 'Rename',
    validate: (v) => (v === saved ? undefined : nameProblem(v)),
  });
  if (to === null || to === saved) return;
  try {
    if (saved) {
      await api.renameGraph(saved, to);
      update((d) => {
        d.presetName = to;
        d.graph.name = to;
      });
      await refreshPresets();
    } else {
      update((d) => {
        d.presetName = null;
        d.graph.name = to;
        d.dirty = true;
      });
    }
    notify(`Renamed to "${to}"`);
  } catch (e) {
    reportError(e, `Renaming to "${to}"`);
  }
}

/** Edits the graph's one-line description (saved with it, shown on the name in the toolbar). */
export async function describeGraph(): Promise<void> {
  const text = await askText({ title: 'Graph description', message: 'What this graph is for; saved with it.', label: 'Description', value: getState().graph.description ?? '', confirmLabel: 'Save description' });
  if (text === null) return;
  editGraph((g) => {
    if (text.trim()) g.description = text.trim();
    else delete g.description;
  });
}

export async function deletePreset(name: string): Promise<void> {
  const ok = await askConfirm({ title: `Delete preset "${name}"?`, message: 'The preset is removed from the server; the graph on the canvas stays.', confirmLabel: 'Delete', danger: true });
  if (!ok) return;
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
  if (!(await mayReplaceGraph(`Loading ${origin}`))) return false;
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
