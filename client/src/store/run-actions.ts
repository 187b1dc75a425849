/**
 * Runs: start (whole graph or up to a node; a start while another run is going queues it), cancel, the run
 * history (re-open, re-run, delete) and the WebSocket messages that drive progress.
 */
import type { Draft } from 'immer';
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import { api, type RunRequest } from '../api/api-client.ts';
import type { RunListing, ServerMessage } from '../api/api-types.ts';
import { resolveBypass } from '../lib/bypass.ts';
import { applyRunEvent, applyRunStatus, isLive, newRunView, type RunView } from '../lib/run-progress.ts';
import { askConfirm } from './dialog-actions.ts';
import type { EditorState } from './editor-state.ts';
import { getState, update } from './editor-store.ts';
import { loadGraph } from './graph-actions.ts';
import { inputFrameCount } from './media-actions.ts';
import { missingModels } from './model-fallback.ts';
import { applyModelMessage } from './model-actions.ts';
import { notify, reportCoded, reportError } from './status-actions.ts';
import { graphTitle, mayReplaceGraph } from './unsaved-guard.ts';

async function submit(req: RunRequest): Promise<void> {
  const runId = await api.startRun(req);
  update((d) => {
    d.runs[runId] = (d.runs[runId] ?? newRunView(runId, req.target)) as Draft<RunView>;
    // The run bar follows the new run unless another is still going (it then shows when that one ends).
    const current = d.activeRunId ? (d.runs[d.activeRunId] as RunView | undefined) : undefined;
    if (!isLive(current)) d.activeRunId = runId;
  });
}

/** Starts (or queues) a run of the graph on the chosen media; `target` stops at that node. */
export async function startRun(target?: string): Promise<void> {
  const s = getState();
  const input = s.preview.input;
  if (!input) {
    reportError(new Error('choose an input video in the preview panel first'), 'Run');
    return;
  }
  const missing = missingModels();
  if (missing.length) {
    // Said here in one line rather than by the server after a round trip; the node offers Download / Use.
    reportError(new Error(`${missing.join('; ')} — not installed. Download it, or use an installed model, on the node.`), 'Run');
    return;
  }
  try {
    const { runStart, runEnd } = s.preview;
    const frames = runStart != null || runEnd != null ? { start: runStart ?? 0, end: runEnd ?? inputFrameCount() } : undefined;
    await submit({ graph: { ...resolveBypass(s.graph, s.catalogue), name: graphTitle() }, input, target, frames });
  } catch (e) {
    reportError(e, 'Run');
  }
}

export async function cancelRun(id = getState().activeRunId): Promise<void> {
  if (!id) return;
  const live = isLive(getState().runs[id]) || getState().runList.some((r) => r.id === id && (r.state === 'queued' || r.state === 'running'));
  if (!live) return;
  try {
    await api.cancelRun(id);
  } catch (e) {
    reportError(e, 'Cancel');
  }
}

export async function refreshRuns(): Promise<void> {
  try {
    const list = await api.runs();
    update((d) => void (d.runList = list as Draft<RunListing>[]));
  } catch (e) {
    reportError(e, 'Listing runs');
  }
}

/** Renders a past run's graph again on the same clip and frames. */
export async function rerun(r: RunListing): Promise<void> {
  try {
    const graph = await api.runGraph(r.id);
    const frames = r.report?.frames;
    await submit({ graph, input: r.input, target: r.target, frames: frames && { start: frames.start, end: frames.end } });
    notify(`Queued "${r.graphName ?? 'graph'}" again`);
  } catch (e) {
    reportError(e, 'Re-run');
  }
}

/** Puts a past run's graph on the canvas (asking first when the current graph has unsaved changes). */
export async function openRunGraph(r: RunListing): Promise<void> {
  if (!(await mayReplaceGraph('The graph of that run'))) return;
  try {
    const graph: GraphDocument = await api.runGraph(r.id);
    loadGraph(graph, null, { dirty: true });
    notify(`Opened the graph of the run from ${new Date(r.createdAt).toLocaleTimeString()}`);
  } catch (e) {
    reportError(e, 'Opening the run graph');
  }
}

export async function deleteRun(r: RunListing): Promise<void> {
  const files = r.outputs.length ? ` and its ${r.outputs.length === 1 ? 'output file' : `${r.outputs.length} output files`}` : '';
  const ok = await askConfirm({ title: 'Delete this run?', message: `The run of "${r.graphName ?? 'graph'}" on ${r.input}${files} will be deleted.`, confirmLabel: 'Delete', danger: true });
  if (!ok) return;
  try {
    await api.deleteRun(r.id);
    update((d) => {
      d.runList = d.runList.filter((x) => x.id !== r.id);
      delete d.runs[r.id];
      if (d.activeRunId === r.id) d.activeRunId = null;
    });
  } catch (e) {
    reportError(e, 'Deleting the run');
  }
}

/** Replaces the view of run `runId` (a new one if none yet) by `f` of it, inside an update. */
function putRun(d: Draft<EditorState>, runId: string, f: (v: RunView) => RunView): void {
  const prev = (d.runs[runId] as RunView | undefined) ?? newRunView(runId);
  d.runs[runId] = f(prev) as Draft<RunView>;
}

function withRun(runId: string, f: (v: RunView) => RunView): void {
  update((d) => putRun(d, runId, f));
}

function upsertListing(run: RunListing): void {
  update((d) => {
    const i = d.runList.findIndex((r) => r.id === run.id);
    if (i >= 0) d.runList[i] = run as Draft<RunListing>;
    else d.runList.unshift(run as Draft<RunListing>);
    // A queued run that starts takes over the run bar.
    if (run.state === 'running') d.activeRunId = run.id;
  });
}

/**
 * Per-frame progress arrives 30+ times a second during a render, and each store update re-renders the run bar and
 * the node's badge: measured in the editor during an x264 veryslow render, long tasks of 50–800 ms on the page's
 * main thread, and a click on Cancel that took 40–50 s to land on a loaded 2-core machine. Progress is therefore
 * applied at most every PROGRESS_MS, all that arrived meanwhile in one update; any other message first applies
 * what is pending, so the order of events is kept.
 */
const PROGRESS_MS = 100;
let pendingProgress: { runId: string; event: Extract<ServerMessage, { kind: 'run' }>['event'] }[] = [];
let progressTimer: ReturnType<typeof setTimeout> | undefined;

function flushProgress(): void {
  clearTimeout(progressTimer);
  progressTimer = undefined;
  if (!pendingProgress.length) return;
  const batch = pendingProgress;
  pendingProgress = [];
  update((d) => {
    for (const { runId, event } of batch) putRun(d, runId, (v) => applyRunEvent(v, event));
  });
}

/** Applies one message from `/api/events`. */
export function onServerMessage(m: ServerMessage): void {
  if (m.kind === 'run' && m.event.type === 'node-progress') {
    pendingProgress.push({ runId: m.runId, event: m.event });
    progressTimer ??= setTimeout(flushProgress, PROGRESS_MS);
    return;
  }
  flushProgress();
  switch (m.kind) {
    case 'run': {
      withRun(m.runId, (v) => applyRunEvent(v, m.event));
      const ev = m.event;
      if (ev.type === 'node-done' && Object.keys(ev.stats).length) update((d) => void (d.nodeStats[ev.nodeId] = { stats: ev.stats, runId: ev.runId }));
      if (m.event.type === 'run-error' && m.event.code !== 'ANELO_E030_CANCELLED' && m.runId === getState().activeRunId) {
        reportCoded(m.event.code, m.event.message);
      }
      return;
    }
    case 'run-state':
      withRun(m.run.id, (v) => applyRunStatus(v, m.run));
      upsertListing(m.run);
      return;
    default:
      applyModelMessage(m);
  }
}
