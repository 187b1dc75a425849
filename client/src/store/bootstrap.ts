/**
 * First load: the catalogue, models, media and presets in parallel, then the graph from (in order) a share
 * link, the graph left in localStorage, or the server's `default` preset.
 */
import { api } from '../api/api-client.ts';
import { ApiError } from '../api/api-error.ts';
import { decodeGraph, sharedGraphParam, sharedView } from '../lib/share-link.ts';
import { update } from './editor-store.ts';
import { loadGraph } from './graph-actions.ts';
import { refreshMedia, setPreview } from './media-actions.ts';
import { refreshModels } from './model-actions.ts';
import { readStoredGraph, startPersisting } from './persist.ts';
import { importGraph, refreshPresets } from './preset-actions.ts';
import { refreshRuns } from './run-actions.ts';
import { switchToInstalledModels } from './model-fallback.ts';
import { notify, reportError } from './status-actions.ts';
import { restoreView } from './view-actions.ts';

async function loadCatalogue(): Promise<void> {
  try {
    const catalogue = await api.nodeTypes();
    update((s) => void (s.catalogue = catalogue));
  } catch (e) {
    reportError(e, 'Loading node types');
  }
}

/** Loads the graph in a `#g=` link, if there is one; the fragment is then removed so a reload keeps later edits. */
async function loadSharedGraph(): Promise<boolean> {
  const shared = sharedGraphParam(location.hash);
  if (!shared) return false;
  const view = sharedView(location.hash);
  history.replaceState(null, '', location.pathname + location.search);
  try {
    const loaded = await importGraph(await decodeGraph(shared), 'shared link');
    if (loaded && view.clip) setPreview({ input: view.clip, frame: view.frame ?? 0 });
    return loaded;
  } catch (e) {
    reportError(e, 'The share link is damaged');
    return false;
  }
}

async function loadInitialGraph(): Promise<void> {
  // A link pasted into this tab changes only the fragment and does not reload the page.
  window.addEventListener('hashchange', () => void loadSharedGraph());
  const stored = readStoredGraph();
  if (stored) {
    // Saved by an earlier anelo: bring its node params to the current versions, as the server does for presets.
    const graph = await api.validateGraph(stored.graph).then((r) => r.graph, () => stored.graph);
    loadGraph(graph, stored.presetName, { dirty: stored.dirty });
  }
  // A share link replaces the restored graph, after asking when that graph has unsaved changes.
  if ((await loadSharedGraph()) || stored) return;
  try {
    const graph = await api.graph('default');
    // The first graph a new user sees runs as it is: a missing preferred model gives way to an installed one.
    await models;
    const notice = switchToInstalledModels(graph);
    loadGraph(graph, 'default');
    if (notice) notify(notice);
  } catch (e) {
    const missing = e instanceof ApiError && e.status === 404;
    if (!missing) reportError(e, 'Loading the default preset');
    update((s) => {
      s.canvasMessage = 'No default preset found. Drag nodes from the palette to start a graph, or open a preset.';
    });
  }
}

let started: Promise<void> | undefined;
let models: Promise<void> = Promise.resolve();

/** Loads everything the editor needs, once per page (React's strict mode mounts effects twice). */
export function bootstrap(): Promise<void> {
  if (!started) restoreView();
  if (!started) models = Promise.all([loadCatalogue(), refreshModels()]).then(() => undefined);
  started ??= Promise.all([models, refreshMedia(), refreshPresets(), refreshRuns(), loadInitialGraph()]).then(() => {
    update((s) => void (s.ready = true));
    startPersisting();
  });
  return started;
}
