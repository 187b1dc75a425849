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
  bytes: number;
  url?: string;
  localOnly: boolean;
  installed: boolean;
  path?: string;
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

export type RunState = 'queued' | 'running' | 'done' | 'error' | 'cancelled';

export interface RunStatus {
  id: string;
  state: RunState;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  target?: string;
  input: string;
  outputs: string[];
  report?: unknown;
  error?: AneloErrorJson;
}

/** The executor's events (server/engine/events.ts), one union on `type`. */
export type ExecutorEvent =
  | { type: 'run-start'; runId: string; nodes: string[]; frames: unknown }
  | { type: 'node-start'; nodeId: string }
  | { type: 'node-progress'; nodeId: string; done: number; total: number }
  | { type: 'node-cached'; nodeId: string; frames: number }
  | { type: 'node-done'; nodeId: string; ms: number; computedFrames: number; cacheHits?: number; stats?: unknown }
  | { type: 'run-done'; report: unknown }
  | { type: 'run-error'; code: string; nodeId?: string; message: string };

/** Messages on the `/api/events` WebSocket. */
export type ServerMessage =
  | { kind: 'run'; runId: string; event: ExecutorEvent }
  | { kind: 'run-state'; run: RunStatus }
  | { kind: 'model-progress'; id: string; bytes: number; total: number }
  | { kind: 'model-done'; id: string }
  | { kind: 'model-error'; id: string; error: AneloErrorJson };
