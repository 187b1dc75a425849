/** Everything a run reports, as one discriminated union: the CLI progress bar, the WebSocket, reports and the editor read it. */
import type { ErrorCode } from './errors.ts';

export interface NodeReport {
  type: string;
  status: 'ran' | 'cached' | 'skipped';
  /** Frames this node computed in this run (0 when everything came from cache). */
  computedFrames: number;
  /** Chunks served from cache. */
  cacheHits: number;
  /** Wall time spent computing this node's own chunks. */
  ms: number;
  /** Per-run statistics the node reported (e.g. flicker), averaged per frame. */
  stats: Record<string, number>;
}

export interface RunReport {
  runId: string;
  totalMs: number;
  frames: { start: number; end: number };
  nodes: Record<string, NodeReport>;
  outputs: Record<string, string>;
  warnings: string[];
}

/** A warning as a run's report words it (`RunReport.warnings`), and as the CLI and the editor show it. */
export function warningText(w: { code: string; message: string; nodeId?: string }): string {
  return `${w.code}${w.nodeId ? ` (node ${w.nodeId})` : ''}: ${w.message}`;
}

export type ExecutorEvent =
  | { type: 'run-start'; runId: string; nodes: string[]; frames: { start: number; end: number } }
  | { type: 'node-start'; runId: string; nodeId: string }
  | { type: 'node-progress'; runId: string; nodeId: string; done: number; total: number }
  | { type: 'node-cached'; runId: string; nodeId: string; frames: number }
  | { type: 'node-done'; runId: string; nodeId: string; ms: number; computedFrames: number; cacheHits: number; stats: Record<string, number> }
  | { type: 'run-warning'; runId: string; code: ErrorCode; message: string; nodeId?: string }
  | { type: 'run-done'; runId: string; report: RunReport }
  | { type: 'run-error'; runId: string; code: ErrorCode; nodeId?: string; message: string };
