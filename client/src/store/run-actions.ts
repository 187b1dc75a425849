/** Runs: start (whole graph or up to a node), cancel, and the WebSocket messages that drive progress. */
import type { Draft } from 'immer';
import { api } from '../api/api-client.ts';
import type { ServerMessage } from '../api/api-types.ts';
import { applyRunEvent, applyRunStatus, isLive, newRunView, type RunView } from '../lib/run-progress.ts';
import { getState, update } from './editor-store.ts';
import { inputFrameCount } from './media-actions.ts';
import { applyModelMessage } from './model-actions.ts';
import { reportCoded, reportError } from './status-actions.ts';

/** Starts a run of the graph on the chosen media; `target` stops at that node. */
export async function startRun(target?: string): Promise<void> {
  const s = getState();
  const input = s.preview.input;
  if (!input) {
    reportError(new Error('choose an input video in the preview panel first'), 'Run');
    return;
  }
  try {
    const { runStart, runEnd } = s.preview;
    const frames = runStart != null || runEnd != null ? { start: runStart ?? 0, end: runEnd ?? inputFrameCount() } : undefined;
    const runId = await api.startRun({ graph: s.graph, input, target, frames });
    update((d) => {
      d.runs[runId] = (d.runs[runId] ?? newRunView(runId, target)) as Draft<RunView>;
      d.activeRunId = runId;
    });
  } catch (e) {
    reportError(e, 'Run');
  }
}

export async function cancelRun(): Promise<void> {
  const id = getState().activeRunId;
  if (!id || !isLive(getState().runs[id])) return;
  try {
    await api.cancelRun(id);
  } catch (e) {
    reportError(e, 'Cancel');
  }
}

function withRun(runId: string, f: (v: RunView) => RunView): void {
  update((d) => {
    const prev = (d.runs[runId] as RunView | undefined) ?? newRunView(runId);
    d.runs[runId] = f(prev) as Draft<RunView>;
  });
}

/** Applies one message from `/api/events`. */
export function onServerMessage(m: ServerMessage): void {
  switch (m.kind) {
    case 'run':
      withRun(m.runId, (v) => applyRunEvent(v, m.event));
      if (m.event.type === 'run-error' && m.event.code !== 'ANELO_E030_CANCELLED' && m.runId === getState().activeRunId) {
        reportCoded(m.event.code, m.event.message);
      }
      return;
    case 'run-state':
      withRun(m.run.id, (v) => applyRunStatus(v, m.run));
      return;
    default:
      applyModelMessage(m);
  }
}
