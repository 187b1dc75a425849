/**
 * Folds the server's run events into what the run bar and node badges show. Pure, so the event stream can
 * be replayed in tests and events that arrive before the POST /api/runs reply are not lost.
 */
import type { ExecutorEvent, RunReport, RunState, RunStatus } from '../api/api-types.ts';
import { warningText } from '../../../nodes/core/events.ts';

/** `stopped`: the run ended (cancelled or failed elsewhere) before this node finished. */
export type NodeRunStatus = 'waiting' | 'running' | 'cached' | 'done' | 'error' | 'stopped';

export interface NodeRun {
  status: NodeRunStatus;
  done: number;
  total: number;
  ms?: number;
  computedFrames?: number;
  /** Frames that came from the cache so far; a node whose progress is all cache hits shows as cached. */
  cachedFrames?: number;
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
  /** What the run worked around (damaged input, cache trouble), as the report words them, in the order they came. */
  warnings?: string[];
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

/** Ends every node still waiting or running: a finished run leaves no badge mid-way. */
function stopUnfinished(v: RunView): RunView {
  const nodes: Record<string, NodeRun> = {};
  for (const [id, n] of Object.entries(v.nodes)) nodes[id] = n.status === 'waiting' || n.status === 'running' ? { ...n, status: 'stopped' } : n;
  return { ...v, nodes };
}

/** Applies one executor event. */
export function applyRunEvent(v: RunView, e: ExecutorEvent): RunView {
  switch (e.type) {
    case 'run-start': {
      const nodes: Record<string, NodeRun> = {};
      for (const id of e.nodes) nodes[id] = v.nodes[id] ?? { status: 'waiting', done: 0, total: 0 };
      return { ...v, state: 'running', order: [...e.nodes], nodes };
    }
    case 'node-start': {
      // A node whose first chunk comes from the cache is started and then reported cached at once; it only
      // becomes "running" when it computes something.
      const prev = v.nodes[e.nodeId];
      return prev && prev.status !== 'waiting' ? v : setNode(v, e.nodeId, { status: 'running', message: undefined });
    }
    case 'node-progress': {
      const prev = v.nodes[e.nodeId];
      const fromCache = (prev?.cachedFrames ?? 0) >= e.done && (prev?.status === 'cached' || prev?.status === 'waiting');
      return setNode(v, e.nodeId, { status: fromCache ? 'cached' : 'running', done: e.done, total: e.total });
    }
    case 'node-cached': {
      const prev = v.nodes[e.nodeId];
      const cachedFrames = (prev?.cachedFrames ?? 0) + e.frames;
      const computing = prev?.status === 'running' && prev.done > (prev.cachedFrames ?? 0);
      return setNode(v, e.nodeId, { status: computing ? 'running' : 'cached', cachedFrames });
    }
    case 'node-done': {
      const prev = v.nodes[e.nodeId];
      const status = e.computedFrames === 0 ? 'cached' : 'done';
      const total = prev?.total || 1;
      return setNode(v, e.nodeId, { status, ms: e.ms, computedFrames: e.computedFrames, done: total, total });
    }
    case 'run-done': {
      const outputs = outputsOf(e.report);
      return { ...stopUnfinished(v), state: 'done', outputs: outputs.length ? outputs : v.outputs };
    }
    case 'run-warning':
      return { ...v, warnings: [...(v.warnings ?? []), warningText(e)] };
    case 'run-error': {
      const next = { ...stopUnfinished(v), state: e.code === 'ANELO_E030_CANCELLED' ? 'cancelled' : 'error', error: { code: e.code, message: e.message, nodeId: e.nodeId } } as RunView;
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

/**
 * Typical cost of one frame per node type, ms at 640x272 (README "Per-node cost"): what a node weighs in the
 * overall bar until this page has measured it itself.
 */
const TYPICAL_MS_PER_FRAME: Record<string, number> = { decode: 1.1, depth: 30, 'scene-detect': 2, 'temporal-smooth': 6.7, 'edge-refine': 20, 'stereo-warp': 12, encode: 24, compare: 5 };

/** Cost weight of a node: measured ms/frame when known, else the type's typical cost, else a middling 10. */
export type CostOf = (nodeId: string) => number;

export function typicalCost(type: string | undefined): number {
  return (type && TYPICAL_MS_PER_FRAME[type]) || 10;
}

/**
 * Fraction 0..1 of the work this run has to do. Each node weighs its cost per frame times its frames, so a slow
 * encode is not "one node of seven"; cached nodes have no work and weigh nothing. A live run never reads 100 %.
 */
export function overallProgress(v: RunView, costOf: CostOf = () => 1): number {
  if (v.state === 'done') return 1;
  if (v.order.length === 0) return 0;
  let total = 0;
  let done = 0;
  for (const id of v.order) {
    const n = v.nodes[id];
    if (!n || n.status === 'cached') continue;
    const w = costOf(id);
    total += w;
    if (n.status === 'done') done += w;
    else if (n.total > 0) done += w * Math.min(1, Math.max(0, n.done - (n.cachedFrames ?? 0)) / Math.max(1, n.total - (n.cachedFrames ?? 0)));
  }
  if (total === 0) return isLive(v) ? 0.99 : 1;
  const f = done / total;
  return isLive(v) ? Math.min(f, 0.99) : f;
}

/** Whether a run can still change (and so can be cancelled). */
export function isLive(v: RunView | undefined): boolean {
  return v !== undefined && (v.state === 'queued' || v.state === 'running');
}
