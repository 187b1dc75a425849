/** Depth models: the list with installed state, and downloads with progress from the WebSocket. */
import { api } from '../api/api-client.ts';
import type { ModelListing, ServerMessage } from '../api/api-types.ts';
import { modelOf } from '../lib/model-param.ts';
import { askConfirm } from './dialog-actions.ts';
import { getState, update } from './editor-store.ts';
import { clearNodeErrors, setNodeError } from './preview-actions.ts';
import { notify, reportCoded, reportError } from './status-actions.ts';

export async function refreshModels(): Promise<void> {
  try {
    const models = await api.models();
    update((s) => void (s.models = models));
  } catch (e) {
    reportError(e, 'Listing models');
  }
}

/**
 * Starts a model download; progress and the end arrive as WebSocket messages. `acceptLicense` is passed once the
 * user has agreed to a licence that is not permissive (the server refuses those with E047 otherwise).
 */
export async function pullModel(id: string, acceptLicense = false): Promise<void> {
  update((s) => void (s.modelPulls[id] = { state: 'pulling', bytes: 0, total: 0 }));
  try {
    await api.pullModel(id, acceptLicense);
  } catch (e) {
    const err = e as { code?: string; message?: string };
    update((s) => void (s.modelPulls[id] = { state: 'error', code: err.code ?? 'ANELO_E044_MODEL_DOWNLOAD', message: err.message ?? String(e) }));
    reportError(e, `Downloading ${id}`);
  }
}

/** Asks the user to accept a licence that is not permissive, then downloads; false when they decline. */
export async function acceptLicenseAndPull(model: ModelListing): Promise<boolean> {
  const where = model.licenseUrl ? ` (${model.licenseUrl})` : '';
  const ok = await askConfirm({
    title: `Accept the licence of ${model.name}?`,
    message: `${model.name} is licensed "${model.license}"${where}, which does not allow every use. Accept it and download the model?`,
    confirmLabel: 'Accept and download',
  });
  if (ok) void pullModel(model.id, true);
  return ok;
}

/** The Download button: permissive models download at once, others after the user accepts their licence. */
export function downloadModel(model: ModelListing): void {
  if (model.commercialUse === false) void acceptLicenseAndPull(model);
  else void pullModel(model.id);
}

/**
 * A model load is shown once it has lasted this long: FastDepth loads in 0.25–0.35 s on the editor's server here, and
 * a line that appears and goes within that only makes the node jump; a large model's load (seconds) is shown.
 */
export const SHOW_LOAD_AFTER_MS = 400;

/** Nodes of the graph on screen that use `model` (bypassed ones compute nothing). */
function nodesUsing(model: string): string[] {
  const s = getState();
  return s.graph.nodes.filter((n) => !n.bypass && modelOf(n, s.catalogue?.[n.type]?.params) === model).map((n) => n.id);
}

/** What a failed load pinned on nodes, by model: taken off again once the model loads. */
const loadErrors = new Map<string, string>();

/**
 * Applies model-progress / model-done / model-error messages (downloads) and model-load ones (the server loading a
 * model for inference). A load that fails pins its error on the nodes that use the model at once, as a failed preview
 * would (the editor asks the server to load a graph's models before any preview); a later load that succeeds takes
 * it off.
 */
export function applyModelMessage(m: ServerMessage): void {
  if (m.kind === 'model-load') {
    const { model, state } = m.load;
    if (m.load.state === 'failed') {
      const text = `${m.load.error.code}: ${m.load.error.message}`;
      loadErrors.set(model, text);
      for (const id of nodesUsing(model)) setNodeError(id, text);
    } else if (state === 'ready' && loadErrors.has(model)) {
      const text = loadErrors.get(model);
      loadErrors.delete(model);
      clearNodeErrors(nodesUsing(model).filter((id) => getState().nodeErrors[id] === text));
    }
    const was = getState().modelLoads[model];
    const count = (was?.count ?? 0) + (state === 'loading' ? 1 : -1);
    if (count <= 0) {
      update((s) => void delete s.modelLoads[model]);
    } else if (was) {
      update((s) => void (s.modelLoads[model].count = count));
    } else {
      const since = Date.now();
      update((s) => void (s.modelLoads[model] = { count, since, shown: false }));
      setTimeout(() => {
        // Still this load (not one that ended and another that started since).
        if (getState().modelLoads[model]?.since === since) update((s) => void (s.modelLoads[model].shown = true));
      }, SHOW_LOAD_AFTER_MS);
    }
  } else if (m.kind === 'model-progress') {
    update((s) => void (s.modelPulls[m.id] = { state: 'pulling', bytes: m.bytes, total: m.total }));
  } else if (m.kind === 'model-done') {
    update((s) => void delete s.modelPulls[m.id]);
    notify(`Model ${m.id} installed`);
    void refreshModels();
  } else if (m.kind === 'model-error') {
    update((s) => void (s.modelPulls[m.id] = { state: 'error', code: m.error.code, message: m.error.message }));
    reportCoded(m.error.code, m.error.message, m.error.title);
  }
}
