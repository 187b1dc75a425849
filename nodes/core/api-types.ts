/** Shapes the HTTP API sends (docs/api.md), shared by the server and the editor so neither restates them. */
import type { AneloErrorJson } from './errors.ts';
import type { ExecutorEvent, RunReport } from './events.ts';
import type { AnalysisView, ModelLoadEvent } from './types.ts';

export type RunState = 'queued' | 'running' | 'done' | 'error' | 'cancelled';

export interface RunStatus {
  id: string;
  state: RunState;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  target?: string;
  /** Media name the run reads. */
  input: string;
  /** Output file names (in the outputs folder, for `/api/outputs/:name`) the run wrote. */
  outputs: string[];
  report?: RunReport;
  error?: AneloErrorJson;
  /** For a run rendered on a cluster (`anelo serve --redis`): one line per worker that took part. */
  workers?: RunWorkerLine[];
}

/** One cluster worker's part in a run: what it renders now, and how much it has done. */
export interface RunWorkerLine {
  /** host:pid */
  worker: string;
  /** `lost`: it stopped answering mid-segment, which went back to the queue for another worker. */
  state: 'rendering' | 'idle' | 'lost';
  /** The segment it renders now (or last rendered), stream frames [start, end). */
  segment?: { index: number; start: number; end: number };
  /** Frames of that segment encoded so far, of `total`. */
  done: number;
  total: number;
  /** Segments it finished. */
  segmentsDone: number;
  /** Set on the worker that joined the segments: how long the join took. */
  joinMs?: number;
}

/** A video the editor can use: an upload, or a read-only sample clip. */
export interface MediaEntry {
  name: string;
  sample: boolean;
  sizeBytes: number;
  width: number;
  height: number;
  fps: number;
  frameCount: number;
  durationS: number;
  hasAudio: boolean;
  /** Pixel shape, "width:height", when the pixels are not square (shown wider or narrower than width x height). */
  sampleAspect?: string;
  /** An HDR source's transfer: its output stays HDR; analysis and previews see it mapped to SDR (sdr-view.ts). */
  hdr?: AnalysisView;
}

/** Messages on the `/api/events` WebSocket. */
export type ServerMessage =
  | { kind: 'run'; runId: string; event: ExecutorEvent }
  | { kind: 'run-state'; run: RunStatus }
  | { kind: 'model-progress'; id: string; bytes: number; total: number }
  | { kind: 'model-done'; id: string }
  | { kind: 'model-error'; id: string; error: AneloErrorJson }
  /** A depth model loading for inference (not a download): 'loading' also greets a client that connects meanwhile. */
  | { kind: 'model-load'; load: ModelLoadEvent };
