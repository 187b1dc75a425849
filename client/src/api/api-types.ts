/**
 * Shapes of the server's replies, as written in docs/api.md. The server's own types live under server/,
 * which the client must not import (Node-only code), so the few reply shapes are restated here.
 */
import type { AneloErrorJson } from '../../../nodes/core/errors.ts';

export interface ModelListing {
  id: string;
  name: string;
  family: string;
  license: string;
  licenseUrl?: string;
  /** False for licences that forbid commercial use: the server downloads those only with `acceptLicense=true`. */
  commercialUse?: boolean;
  /** Null when the registry does not know the file size. */
  bytes: number | null;
  url?: string;
  localOnly: boolean;
  installed: boolean;
  /** Where the model is installed on the server; null when it is not. */
  path: string | null;
}

export interface GraphListing {
  name: string;
  builtIn: boolean;
  updatedAt?: string;
}

export interface MediaInfo {
  name: string;
  sample: boolean;
  sizeBytes: number;
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  durationS: number;
  hasAudio: boolean;
}

/** A finished run's report (server/engine/events.ts `RunReport`); `outputs` maps encode node id → output name. */
export interface RunReport {
  runId: string;
  totalMs: number;
  frames: { start: number; end: number };
  nodes: Record<string, { type: string; status: 'ran' | 'cached' | 'skipped'; computedFrames: number; cacheHits: number; ms: number; stats: Record<string, number> }>;
  outputs: Record<string, string>;
  warnings: string[];
}

export type RunState = 'queued' | 'running' | 'done' | 'error' | 'cancelled';

export interface RunStatus {
  id: string;
  state: RunState;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  target?: string;
  input: string;
  /** Output names, for `/api/outputs/:name`. */
  outputs: string[];
  report?: RunReport;
  error?: AneloErrorJson;
}

/** The executor's events (server/engine/events.ts), one union on `type`. */
export type ExecutorEvent =
  | { type: 'run-start'; runId: string; nodes: string[]; frames: { start: number; end: number } }
  | { type: 'node-start'; runId: string; nodeId: string }
  | { type: 'node-progress'; runId: string; nodeId: string; done: number; total: number }
  | { type: 'node-cached'; runId: string; nodeId: string; frames: number }
  | { type: 'node-done'; runId: string; nodeId: string; ms: number; computedFrames: number; cacheHits: number; stats: Record<string, number> }
  | { type: 'run-done'; runId: string; report: RunReport }
  | { type: 'run-error'; runId: string; code: string; nodeId?: string; message: string };

/** Messages on the `/api/events` WebSocket. */
export type ServerMessage =
  | { kind: 'run'; runId: string; event: ExecutorEvent }
  | { kind: 'run-state'; run: RunStatus }
  | { kind: 'model-progress'; id: string; bytes: number; total: number }
  | { kind: 'model-done'; id: string }
  | { kind: 'model-error'; id: string; error: AneloErrorJson };
