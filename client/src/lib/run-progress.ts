/**
 * Folds the server's run events into what the run bar and node badges show. Pure, so the event stream can
 * be replayed in tests and events that arrive before the POST /api/runs reply are not lost.
 */
import type { ExecutorEvent, RunReport, RunState, RunStatus } from '../api/api-types.ts';

export type NodeRunStatus = 'waiting' | 'running' | 'cached' | 'done' | 'error';

export interface NodeRun {
  status: NodeRunStatus;
  done: number;
  total: number;
  ms?: number;
  computedFrames?: number;
  message?: string;
}

export interface RunView {
  runId: string;
  state: RunState;
  order: string[];
  nodes: Record<string, NodeRun>;
  outputs: string[];
  target?: string;
  error?: { code: string; message: string; nodeId?: string };
}

export function newRunView(runId: string, target?: string): RunView {
  return { runId, state: 'queued', order: [], nodes: {}, outputs: [], target };
}

function setNode(v: RunView, id: string, patch: Partial<NodeRun>): RunView {
  const prev = v.nodes[id] ?? { status: 'waiting', done: 0, total: 0 };
  return {
    ...v,
    order: v.order.includes(id) ? v.order : [...v.order, id],
    nodes: { ...v.nodes, [id]: { ...prev, ...patch } },
  };
}

/** Output names from a report, whose `outputs` maps encode node id → output name (docs/api.md). */
function outputsOf(report: RunReport | undefined): string[] {
  const outputs = report?.outputs;
  if (!outputs || typeof outputs !== 'object') return [];
  return Object.values(outputs).filter((o): o is string => typeof o === 'string');
}

/** Applies one executor event. */
export function applyRunEvent(v: RunView, e: ExecutorEvent): RunView {
  switch (e.type) {
    case 'run-start': {
      const nodes: Record<string, NodeRun> = {};
      for (const id of e.nodes) nodes[id] = v.nodes[id] ?? { status: 'waiting', done: 0, total: 0 };
      return { ...v, state: 'running', order: [...e.nodes], nodes };
    }
    case 'node-start':
      return setNode(v, e.nodeId, { status: 'running', message: undefined });
    case 'node-progress':
      return setNode(v, e.nodeId, { status: 'running', done: e.done, total: e.total });
    case 'node-cached':
      return setNode(v, e.nodeId, { status: 'cached', done: e.frames, total: e.frames });
    case 'node-done': {
      const prev = v.nodes[e.nodeId];
      const status = prev?.status === 'cached' || e.computedFrames === 0 ? 'cached' : 'done';
      return setNode(v, e.nodeId, { status, ms: e.ms, computedFrames: e.computedFrames, done: prev?.total || 1, total: prev?.total || 1 });
    }
    case 'run-done': {
      const outputs = outputsOf(e.report);
      return { ...v, state: 'done', outputs: outputs.length ? outputs : v.outputs };
    }
    case 'run-error': {
      const next = { ...v, state: e.code === 'ANELO_E030_CANCELLED' ? 'cancelled' : 'error', error: { code: e.code, message: e.message, nodeId: e.nodeId } } as RunView;
      return e.nodeId ? setNode(next, e.nodeId, { status: 'error', message: e.message }) : next;
    }
    default:
      return v;
  }
}

/** Applies a `run-state` message (the authoritative state and the output names). */
export function applyRunStatus(v: RunView, run: RunStatus): RunView {
  const next: RunView = { ...v, state: run.state, target: run.target ?? v.target };
  if (run.outputs?.length) next.outputs = [...run.outputs];
  if (run.error) next.error = { code: run.error.code, message: run.error.message, nodeId: run.error.nodeId };
  return next;
}

/** Fraction 0..1 of the whole run: each node weighs the same; cached and finished nodes count as complete. */
export function overallProgress(v: RunView): number {
  if (v.state === 'done') return 1;
  if (v.order.length === 0) return 0;
  let sum = 0;
  for (const id of v.order) {
    const n = v.nodes[id];
    if (!n) continue;
    if (n.status === 'done' || n.status === 'cached') sum += 1;
    else if (n.total > 0) sum += Math.min(1, n.done / n.total);
  }
  return sum / v.order.length;
}

/** Whether a run can still change (and so can be cancelled). */
export function isLive(v: RunView | undefined): boolean {
  return v !== undefined && (v.state === 'queued' || v.state === 'running');
}
