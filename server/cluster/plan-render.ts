/**
 * Plans a cluster render on the submitting machine: the frame range and the segment folder at once, then the scene
 * cuts (from the graph's own scene-detect nodes, through the executor and its cache) and the segments, each handed
 * on as soon as the cuts around it are known, so workers start on the first scenes while the rest is searched.
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AneloError } from '../../nodes/core/errors.ts';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';
import type { StreamInfo } from '../../nodes/core/types.ts';
import type { ChunkCache } from '../engine/chunk-cache.ts';
import { segmentClip } from '../engine/demand.ts';
import { buildPlan, type Plan } from '../engine/plan.ts';
import { renderRange, type RenderWarning } from '../engine/render-range.ts';
import { NODE_DEFINITIONS } from '../../nodes/index.ts';
import { ensureDir } from '../fs/ensure-dir.ts';
import { matroskaStereoMode } from '../media/ffmpeg-args.ts';
import type { LocalServices } from '../services.ts';
import type { JoinJobData, SegmentJobData, SharedPathCheck } from './cluster-jobs.ts';
import { describeInput } from './check-shared-paths.ts';
import { detectCuts, type DetectedCuts, type DetectorOutput } from './detect-cuts.ts';
import { cutFlagsOf, type CutFlags } from './known-cuts.ts';
import { SegmentStream, type Segment, type SegmentRules } from './plan-segments.ts';

export interface PlannedSegments {
  cuts: number[];
  segments: Segment[];
  /** From the start of planning to the end of the cut search. */
  planMs: number;
}

export interface RenderPlan {
  renderId: string;
  frames: { start: number; end: number };
  /** Warnings of the render as a whole, before any segment's (a range cut to the input's length). */
  warnings: RenderWarning[];
  segmentDir: string;
  /** Wall clock (ms since 1970) when planning started. */
  startedAt: number;
  /**
   * Searches the range for cuts and hands each segment's job to `onSegment`, in order, as soon as the cuts around
   * it are known (waiting for each hand-over before the next); resolves once the whole range is covered.
   */
  findSegments(onSegment: (job: SegmentJobData) => Promise<void>, signal?: AbortSignal): Promise<PlannedSegments>;
  /** The join's job for the segments found. */
  join(segments: readonly Segment[]): JoinJobData;
}

export interface PlanRequest {
  /** Bound graph: decode paths absolute. */
  graph: GraphDocument;
  /** Encode node id → final output file. */
  outputs: Record<string, string>;
  frames?: { start: number; end?: number };
  rules: SegmentRules;
  services: LocalServices;
  cache: ChunkCache;
  signal?: AbortSignal;
  /**
   * Pool threads for the cut search (default: as for any run). A CLI planner passes 0: the search is light (decode
   * and frame signatures), and starting pool threads made the first cut known at 1.4–2.3 s instead of 0.7–0.9 s
   * (bikes-cuts, 2 cores). A server keeps its pool: its event loop runs no pixel work.
   */
  workers?: number;
}

/** The stream an encode node writes (its input's info). */
function sinkInput(graph: GraphDocument, info: Record<string, Record<string, StreamInfo>>, nodeId: string): StreamInfo | undefined {
  const e = graph.edges.find((x) => x.target === nodeId);
  return e ? info[e.source]?.[e.sourcePort] : undefined;
}

/**
 * Each detector's cuts that can bound a segment's windows: those inside it and the nearest at or beyond each edge
 * (a window that reaches further is stopped by the nearer one), so a job carries a few numbers, not a film's cuts.
 */
export function cutsAround(byDetector: Record<string, number[]>, s: { start: number; end: number }): Record<string, number[]> {
  const out: Record<string, number[]> = {};
  for (const [id, cuts] of Object.entries(byDetector)) {
    const before = cuts.filter((c) => c <= s.start).at(-1) ?? s.start;
    const after = cuts.find((c) => c >= s.end) ?? s.end;
    out[id] = cuts.filter((c) => c >= before && c <= after);
  }
  return out;
}

/**
 * The detectors' output a segment's run reads, where the search has decided all of it (frames [start, decided) of
 * the range): the worker then serves it instead of detecting the cuts again (known-cuts.ts). A detector whose
 * readers reach beyond that (past the render's range, or a split scene's window beyond the search so far) is left
 * to the worker to run, as is one the segment does not read.
 */
export function shippedCuts(plan: Plan, sinks: string[], s: { start: number; end: number }, cuts: Record<string, number[]>, outputs: Record<string, DetectorOutput>, decided: { start: number; end: number }): Record<string, CutFlags> {
  const reach = segmentClip(plan, sinks, s, cuts).reach;
  const out: Record<string, CutFlags> = {};
  for (const [id, o] of Object.entries(outputs)) {
    const r = reach.get(id);
    if (r && r[0] >= decided.start && r[1] <= decided.end && r[1] > r[0]) out[id] = cutFlagsOf(o, r[0], r[1]);
  }
  return out;
}

export async function planRender(r: PlanRequest): Promise<RenderPlan> {
  const t0 = performance.now();
  const startedAt = Date.now();
  const renderId = randomUUID();
  const sinks = r.graph.nodes.filter((n) => n.type === 'encode');
  if (sinks.length === 0) throw new AneloError('ANELO_E144_CLUSTER_GRAPH', 'the graph has no encode node: a cluster render splits what encode nodes write', {});
  for (const s of sinks) if (!r.outputs[s.id]) throw new AneloError('ANELO_E032_NO_OUTPUT_PATH', `encode node "${s.id}" has no output path: pass --output`, { nodeId: s.id, param: 'path' });
  // Audio and other streams are muxed once, over the whole range, by the join.
  const graph = structuredClone(r.graph);
  for (const n of graph.nodes) if (n.type === 'encode') n.params = { ...n.params, audio: false };
  // The segments' plan: what each segment's windows reach, so its job can carry the cuts found for those frames.
  const plan = await buildPlan(graph, NODE_DEFINITIONS, r.services);
  const info = Object.fromEntries([...plan.nodes].map(([id, n]) => [id, n.info]));
  const streams = sinks.map((s) => sinkInput(r.graph, info, s.id));
  const range = renderRange(Math.min(...streams.map((s) => s?.frameCount ?? 0)), r.frames);
  const frames = range.frames;

  // Segments live beside the first output, so they are on the shared mount the output is on.
  const first = path.resolve(Object.values(r.outputs)[0]);
  const segmentDir = path.join(path.dirname(first), `.${path.basename(first, path.extname(first))}.segments-${renderId.slice(0, 8)}`);
  try {
    await ensureDir(segmentDir);
  } catch (e) {
    throw new AneloError('ANELO_E021_OUTPUT_NOT_WRITABLE', `cannot create the segment folder ${segmentDir}: ${(e as Error).message}`, { file: segmentDir }, undefined, e);
  }
  const marker = path.join(segmentDir, 'render.json');
  await fs.writeFile(marker, JSON.stringify({ renderId, frames }, null, 2));
  const decode = r.graph.nodes.find((n) => n.type === 'decode' && typeof n.params.path === 'string' && n.params.path);
  const check: SharedPathCheck = { input: decode ? await describeInput(decode.params.path as string) : undefined, marker };

  const segFile = (s: Segment, nodeId: string): string => {
    const ext = path.extname(r.outputs[nodeId]);
    return path.join(segmentDir, `${String(s.index).padStart(5, '0')}-${nodeId}${ext}`);
  };
  const jobOf = (s: Segment, found: DetectedCuts, decided: number): SegmentJobData => {
    const cuts = cutsAround(found.byDetector, s);
    return {
      renderId, index: s.index, start: s.start, end: s.end, graph, check,
      outputs: Object.fromEntries(sinks.map((n) => [n.id, segFile(s, n.id)])),
      cuts,
      cutFlags: shippedCuts(plan, sinks.map((n) => n.id), s, cuts, found.outputs, { start: frames.start, end: decided }),
    };
  };

  return {
    renderId,
    frames,
    warnings: range.warning ? [range.warning] : [],
    segmentDir,
    startedAt,
    async findSegments(onSegment, signal) {
      const stream = new SegmentStream(frames, r.rules);
      const segments: Segment[] = [];
      // Hand-overs run one after another, in order, off the search's own path.
      let handed: Promise<void> = Promise.resolve();
      const handOver = (ready: Segment[], found: DetectedCuts, decided: number): void => {
        for (const s of ready) {
          segments.push(s);
          const job = jobOf(s, found, decided);
          handed = handed.then(() => onSegment(job));
        }
      };
      let failed: unknown;
      const stop = r.signal && signal ? AbortSignal.any([r.signal, signal]) : (r.signal ?? signal);
      const detected = await detectCuts({ services: r.services, cache: r.cache, workers: r.workers }, r.graph, frames, stop, (found, decided) => {
        if (failed === undefined) handOver(stream.advance(found.all, decided), found, decided);
        handed.catch((e: unknown) => (failed ??= e));
      });
      handOver([...stream.advance(detected.all, frames.end), ...stream.finish()], detected, frames.end);
      await handed;
      return { cuts: detected.all, segments, planMs: Math.round(performance.now() - t0) };
    },
    join: (segments) => ({
      renderId,
      segmentDir,
      check,
      targets: sinks.map((n, k) => {
        const src = streams[k];
        const keepAudio = n.params.audio !== false && src?.source && src.source.audio.length > 0;
        return {
          nodeId: n.id,
          output: path.resolve(r.outputs[n.id]),
          segments: segments.map((s) => segFile(s, n.id)),
          streamsFrom: keepAudio ? { path: src.source!.path, startTime: src.source!.startTime + frames.start / src.fps, durationS: (frames.end - frames.start) / src.fps } : undefined,
          stereoMode: src?.type === 'frames' ? matroskaStereoMode(src.layout) : undefined,
        };
      }),
    }),
  };
}
