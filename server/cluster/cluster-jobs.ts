/** What travels through Redis for a cluster render: one flow per render, a join job over one job per segment. */
import type { AneloErrorJson } from '../../nodes/core/errors.ts';
import type { RunReport } from '../../nodes/core/events.ts';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';
import type { CutFlags } from './known-cuts.ts';

export const QUEUE_NAME = 'anelo-render';
/**
 * Holds each render's gate: a child of its join that no worker takes, removed once planning has found every
 * segment, so the join cannot start while segments are still being added.
 */
export const GATE_QUEUE_NAME = 'anelo-render-planning';
/** Pub/sub channel a cancelled render's id is published on, so workers abort its running segments. */
export const CANCEL_CHANNEL = 'anelo:cancel';
/** Set when a render is cancelled, so a worker that picks one of its segments later skips it. */
export const cancelKey = (renderId: string): string => `anelo:render:${renderId}:cancelled`;

/** What a worker checks before rendering, to tell a path it cannot see from a file that changed. */
export interface SharedPathCheck {
  input?: { path: string; size: number; mtimeMs: number };
  /** A file the planner wrote in the segment folder; a worker that cannot see it does not share the output mount. */
  marker: string;
}

export interface SegmentJobData {
  renderId: string;
  index: number;
  start: number;
  end: number;
  /** The bound graph (absolute input path, encode audio off: the join muxes the source's streams once). */
  graph: GraphDocument;
  /** Encode node id → this segment's file. */
  outputs: Record<string, string>;
  check: SharedPathCheck;
  /**
   * Scene-detect node id → the planner's cuts at and around this segment (from the last at or before its start to
   * the first at or after its end): its readers' windows stop there, so nothing beyond them is computed.
   */
  cuts: Record<string, number[]>;
  /**
   * Scene-detect node id → its output over the frames this segment reads of it, from the planner's search: the
   * worker serves it instead of running the detector again (known-cuts.ts). Absent for a detector the search had
   * not decided all of (the worker then runs it).
   */
  cutFlags?: Record<string, CutFlags>;
}

export interface SegmentResult {
  index: number;
  start: number;
  end: number;
  worker: string;
  ms: number;
  /** Wall clock (ms since 1970, the worker's clock) when the worker took the segment and when it finished it. */
  startedAt: number;
  endedAt: number;
  /** From taking the segment to its first encoded frame: the pipeline's fill (and, on a cold worker, its start-up). */
  firstFrameMs: number;
  /** CPU time of the worker process while the segment ran (all its threads; not its ffmpeg processes; jobs running
   * beside it on the same worker count too). */
  cpuMs: number;
  report: RunReport;
}

export interface JoinTarget {
  nodeId: string;
  output: string;
  segments: string[];
  streamsFrom?: { path: string; startTime: number; durationS: number };
  /** Matroska stereo_mode of the video (stream copy drops the segments' tag). */
  stereoMode?: string;
}

export interface JoinJobData {
  renderId: string;
  segmentDir: string;
  targets: JoinTarget[];
  check: SharedPathCheck;
}

export interface JoinResult {
  worker: string;
  ms: number;
  /** Wall clock (ms since 1970) when the join started. */
  startedAt: number;
  outputs: Record<string, string>;
  segments: SegmentResult[];
}

/** Progress a segment job reports: frames encoded of its own range. */
export interface SegmentProgress {
  worker: string;
  done: number;
  total: number;
}

/** A coded failure as it crosses Redis (a failed job keeps only a string). */
export interface ClusterFailure extends AneloErrorJson {
  segment?: { index: number; start: number; end: number };
  worker: string;
}

const PREFIX = 'anelo-error:';

export function encodeFailure(f: ClusterFailure): string {
  return `${PREFIX}${JSON.stringify(f)}`;
}

export function decodeFailure(reason: string | undefined): ClusterFailure | undefined {
  if (!reason?.startsWith(PREFIX)) return undefined;
  try {
    return JSON.parse(reason.slice(PREFIX.length)) as ClusterFailure;
  } catch {
    return undefined;
  }
}
