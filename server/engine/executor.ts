/**
 * The one executor the CLI, the server and the benchmarks call. It plans a graph, then pulls what the targets
 * need chunk by chunk through the cache; memory is bounded by the cache budget and the chunks in flight, not the
 * video length. Pure pixel nodes run on a worker-thread pool, and a sink reads ahead a few chunks, so decode,
 * inference, pixel work and encoding overlap like a pipeline.
 */
import { randomUUID } from 'node:crypto';
import { AneloError, toAneloError } from '../../nodes/core/errors.ts';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';
import type { AnyNodeDefinition, Chunk, Services, StreamInfo } from '../../nodes/core/types.ts';
import { NODE_DEFINITIONS } from '../../nodes/index.ts';
import { ChunkCache } from './chunk-cache.ts';
import type { ExecutorEvent, RunReport } from '../../nodes/core/events.ts';
import { alignedPieces, chunkFramesFor, planDemand, segmentClip, type KnownCuts, type Piece, type SegmentClip } from './demand.ts';
import { analysisView } from '../../nodes/lib/sdr-view.ts';
import { buildPlan, prepareNode, upstreamOf, type Plan } from './plan.ts';
import { defaultWorkerCount, NodePool } from './pool/node-pool.ts';
import { PreviewSlots } from './preview-slots.ts';
import { RunSession } from './run-session.ts';
import { renderRange, type RenderRange } from './render-range.ts';

export interface ExecutorOptions {
  services: Services;
  cache?: ChunkCache;
  /** Frames per chunk, the unit of caching and of streaming: default by frame size (`chunkFramesFor`), 16 up to 1920x1080. */
  chunkSize?: number;
  definitions?: readonly AnyNodeDefinition[];
  /** Worker threads for pure pixel nodes (default: `ANELO_WORKERS`, else one per core); 0 runs all on the main thread. */
  workers?: number;
  /** Module the worker threads load node definitions from (default: the shipped nodes); for tests. */
  poolDefinitions?: string;
  /** Chunks a sink reads ahead of the one it is writing (default 2): bounds the chunks in flight. */
  readAhead?: number;
  /**
   * Pool threads, once started, stay until `close()` (a long-lived render worker), instead of leaving after 15 s
   * idle: a cluster worker waiting between segments kept losing its warmed threads.
   */
  keepThreads?: boolean;
  /** Previews computing at once (default: the pool's threads, at least 2); more wait their turn. */
  maxConcurrentPreviews?: number;
}

export interface RunOptions {
  runId?: string;
  /** Nodes to compute; default: every sink (encode) in the graph. */
  targets?: string[];
  /** Stream frames [start, end) the targets produce; default: all. */
  frames?: { start: number; end?: number };
  /** Encode node id → output file; overrides the node's own `path` param. */
  outputs?: Record<string, string>;
  signal?: AbortSignal;
  onEvent?: (e: ExecutorEvent) => void;
  /**
   * This run is one segment of a larger render (a cluster worker's): give a node that reads scene cuts no frames
   * across `cuts` (scene-detect node id → first frames of shots it finds, e.g. from a planning run), since it never
   * reads across a cut. The frames written are the same as a whole run's; the caller vouches for the cuts. (Every run
   * computes only what frames [start, end) reach through the windows: pieces at the edges are cut short.)
   */
  segment?: { cuts?: KnownCuts };
  /** Receives a non-sink target's output in order, chunk by chunk, as the run reads it (scene cuts for the editor). */
  onOutput?: (nodeId: string, port: string, chunk: Chunk) => void;
  /**
   * false: decoded frames this run computes are not cached (their readers in the run still get them). For a
   * background pass over a whole clip (the editor's scene cuts): its chunks would fill the cache with frames nobody
   * asked for, and a preview finding them cached keys its inputs by them instead of the frames it decoded itself,
   * so depth it had already computed was computed again under the new key.
   */
  cacheFrames?: boolean;
}

export interface PreviewResult {
  chunk: Chunk;
  info: StreamInfo;
  /** True when nothing had to be computed. */
  cached: boolean;
  /** Node id → frames computed for this preview (nodes that computed nothing are left out). */
  computed: Record<string, number>;
  ms: number;
}

/** How long an idle pool thread stays: 15 s, so a CLI or test process is never kept alive by its pool. */
const IDLE_MS = 15_000;
/** The longest timer Node allows (~24.8 days): "until close" for a worker service. */
const KEPT_IDLE_MS = 2 ** 31 - 1;

export class Executor {
  readonly services: Services;
  readonly cache: ChunkCache;
  /** Frames per chunk when fixed by the caller; otherwise each plan's own (`chunkFramesFor`). */
  readonly chunkSize?: number;
  readonly definitions: readonly AnyNodeDefinition[];
  readonly workers: number;
  private readonly readAhead: number;
  private readonly poolDefinitions?: string;
  private readonly keepThreads: boolean;
  private pool?: NodePool;
  private readonly previewSlots: PreviewSlots;

  constructor(opts: ExecutorOptions) {
    this.services = opts.services;
    this.cache = opts.cache ?? new ChunkCache();
    this.chunkSize = opts.chunkSize;
    this.definitions = opts.definitions ?? NODE_DEFINITIONS;
    this.workers = opts.workers ?? defaultWorkerCount();
    this.readAhead = opts.readAhead ?? 2;
    this.poolDefinitions = opts.poolDefinitions;
    this.keepThreads = opts.keepThreads ?? false;
    if (!Number.isInteger(this.workers) || this.workers < 0) {
      throw new AneloError('ANELO_E050_BAD_ARGUMENT', `workers must be a whole number >= 0, got ${this.workers}`, { param: 'workers' });
    }
    this.previewSlots = new PreviewSlots(opts.maxConcurrentPreviews ?? Math.max(2, this.workers));
  }

  /** The pool, started on first use so a run without pixel nodes starts no threads. */
  private getPool(): NodePool | undefined {
    if (this.workers === 0) return undefined;
    return (this.pool ??= new NodePool(this.workers, this.keepThreads ? KEPT_IDLE_MS : IDLE_MS));
  }

  /**
   * A preview frame as PNG bytes at most `maxWidth` wide: depth coloured on the pool when there is one (frames and
   * cut strips need no pixel work, and a pool round trip cost 15–25 ms of a warp preview), then fitted and encoded
   * by libvips (off this thread's event loop either way).
   */
  async previewPng(preview: Pick<PreviewResult, 'chunk' | 'info'>, maxWidth?: number, signal?: AbortSignal): Promise<Uint8Array> {
    const view = preview.chunk.type === 'frames' ? analysisView(preview.info.colour) : undefined;
    const task = { chunk: preview.chunk, maxWidth, depthScale: preview.info.depthScale, view };
    // Pixel work (depth through the colour map, an HDR frame through its SDR view) runs on the pool.
    const pool = preview.chunk.type === 'depth' || view ? this.getPool() : undefined;
    const { previewRgb, encodePreview } = await import('../http/render/preview-png.ts');
    return encodePreview(pool ? await pool.previewRgb(task, signal) : previewRgb(task), maxWidth, preview.info.sampleAspect);
  }

  /**
   * What a run's first frames would otherwise wait on, started beside them: the `prepare` of each involved node that
   * will compute (the depth node loads its model on the depth threads while decode starts; see
   * RunSession.prepareComputing) and the pool's threads. Not waited for; a failure there is met again, and
   * reported, where the node runs.
   */
  private prepare(session: RunSession, involved: Set<string>): void {
    session.prepareComputing(involved);
    this.getPool()?.start(this.poolDefinitions).catch(() => {});
  }

  /**
   * Gets ready for previews of `graph` before any is asked for: every node that has a `prepare` starts it (the depth
   * node starts its threads and loads its model, 0.25–0.35 s for FastDepth on the editor's server here and seconds
   * for a large model, which the first preview of a depth-fed node otherwise waits for). Resolves, once the graph is planned, to the ids of the nodes preparing and a
   * promise that settles when they have (never rejects); a graph that cannot be planned rejects with its coded error.
   */
  async prepareGraph(graph: GraphDocument): Promise<{ nodes: string[]; done: Promise<void> }> {
    const plan = await buildPlan(graph, this.definitions, this.services);
    const nodes = plan.order.filter((id) => plan.nodes.get(id)!.def.prepare);
    const done = Promise.all(nodes.map((id) => prepareNode(plan, plan.nodes.get(id)!, this.services))).then(() => undefined);
    return { nodes, done };
  }

  /** Previews' cache writes still running (see preview). */
  private readonly writes = new Set<Promise<void>>();

  private behind(write: Promise<void>): void {
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
  }

  /** Stops the worker threads (a CLI run, a server shutting down), once the cache writes still running have ended. */
  async close(): Promise<void> {
    while (this.writes.size > 0) await Promise.all([...this.writes]);
    const pool = this.pool;
    this.pool = undefined;
    await pool?.close();
  }

  /** Stream info of every node's outputs (probes sources, resolves models), without computing frames. */
  async info(graph: GraphDocument): Promise<Record<string, Record<string, StreamInfo>>> {
    const plan = await buildPlan(graph, this.definitions, this.services);
    return Object.fromEntries([...plan.nodes].map(([id, n]) => [id, n.info]));
  }

  async run(graph: GraphDocument, opts: RunOptions = {}): Promise<RunReport> {
    return this.runWith(this.definitions, this.cache, graph, opts);
  }

  /**
   * `run` with node types and a cache of its own, on this executor's pool and services: an internal run (a warm-up,
   * warm-up-pool.ts) whose node types no graph document may name and whose chunks nobody reads again.
   */
  async runWith(definitions: readonly AnyNodeDefinition[], cache: ChunkCache, graph: GraphDocument, opts: RunOptions = {}): Promise<RunReport> {
    const runId = opts.runId ?? randomUUID();
    const emit = opts.onEvent ?? (() => {});
    const signal = opts.signal ?? new AbortController().signal;
    const t0 = performance.now();
    let session: RunSession | undefined;
    try {
      const plan = await buildPlan(graph, definitions, this.services);
      const targets = opts.targets ?? plan.order.filter((id) => plan.nodes.get(id)!.def.sink);
      for (const id of targets) if (!plan.nodes.has(id)) throw new AneloError('ANELO_E034_UNKNOWN_NODE', `no node "${id}" in the graph`, { nodeId: id });
      const range = this.frameRange(plan, targets, opts.frames);
      const frames = range.frames;
      const involved = upstreamOf(plan, targets);
      // Pieces end where the range reaches through the windows: frames 0..120 compute no smoothing for 120..127.
      const clip = segmentClip(plan, targets, frames, opts.segment?.cuts ?? {});
      const chunkSize = this.chunkFrames(plan);
      const reads = this.directReads(plan, chunkSize, targets, frames, clip);
      const demand = planDemand(plan, chunkSize, reads, clip);
      for (const id of targets) if (plan.nodes.get(id)!.def.sink) demand.frames.set(id, frames.end - frames.start);
      session = new RunSession({ runId, plan, cache, services: this.services, chunkSize, signal, emit, mode: 'run', demand, pool: this.getPool(), poolDefinitions: this.poolDefinitions, cacheFrames: opts.cacheFrames });
      this.prepare(session, involved);
      emit({ type: 'run-start', runId, nodes: plan.order.filter((id) => involved.has(id)), frames });
      if (range.warning) session.warn(range.warning.code, range.warning.message);
      const outputs: Record<string, string> = {};
      for (const id of plan.order.filter((x) => targets.includes(x))) {
        const node = plan.nodes.get(id)!;
        if (node.def.sink) outputs[id] = await this.runSink(session, plan, id, this.sinkRanges(chunkSize, frames), frames, opts.outputs?.[id]);
        else await this.warm(session, id, frames, opts.onOutput);
      }
      // The run has ended when the cache holds what it made (and a write's trouble is in the report).
      await session.settle();
      for (const t of session.tallies.values()) t.finish();
      const nodes = session.reports();
      const report: RunReport = { runId, totalMs: Math.round(performance.now() - t0), frames, nodes, outputs, warnings: [...session.warnings] };
      emit({ type: 'run-done', runId, report });
      await cache.prune().catch(() => {});
      return report;
    } catch (e) {
      const err = session?.failure ?? toAneloError(signal.aborted ? new AneloError('ANELO_E030_CANCELLED', 'run cancelled') : e);
      session?.fail(err);
      // Nothing of a failed or cancelled run writes on after it has returned.
      await session?.settle();
      emit({ type: 'run-error', runId, code: err.code, nodeId: err.where.nodeId, message: err.message });
      throw err;
    } finally {
      session?.dispose();
    }
  }

  /**
   * One frame of one node's output, through the same cache as runs. It computes only that frame (its window at
   * temporal nodes), reusing any chunk a run or earlier preview left in the cache.
   */
  async preview(graph: GraphDocument, req: { nodeId: string; port?: string; frame: number; signal?: AbortSignal; onEvent?: (e: ExecutorEvent) => void }): Promise<PreviewResult> {
    const t0 = performance.now();
    const plan = await buildPlan(graph, this.definitions, this.services);
    const node = plan.nodes.get(req.nodeId);
    if (!node) throw new AneloError('ANELO_E034_UNKNOWN_NODE', `no node "${req.nodeId}" in the graph`, { nodeId: req.nodeId });
    if (node.def.sink) {
      const src = Object.values(node.inputs).find(Boolean)!;
      return this.preview(graph, { ...req, nodeId: src.nodeId, port: src.port });
    }
    const port = req.port ?? node.def.outputs[0].name;
    const info = node.info[port];
    if (!info) throw new AneloError('ANELO_E034_UNKNOWN_NODE', `node "${req.nodeId}" has no output "${port}"`, { nodeId: req.nodeId, port });
    if (!Number.isInteger(req.frame) || req.frame < 0 || req.frame >= info.frameCount) {
      throw new AneloError('ANELO_E033_FRAME_OUT_OF_RANGE', `frame ${req.frame} is outside 0..${info.frameCount - 1}`, { nodeId: req.nodeId, frame: req.frame });
    }
    const signal = req.signal ?? new AbortController().signal;
    const release = await this.previewSlots.acquire(signal, req.nodeId);
    let session: RunSession;
    try {
      session = new RunSession({ runId: randomUUID(), plan, cache: this.cache, services: this.services, chunkSize: this.chunkFrames(plan), signal, emit: req.onEvent ?? (() => {}), mode: 'preview', pool: this.getPool(), poolDefinitions: this.poolDefinitions });
    } catch (e) {
      release();
      throw e;
    }
    try {
      const chunk = await session.previewFrame(req.nodeId, port, req.frame);
      const computed: Record<string, number> = {};
      for (const [id, r] of Object.entries(session.reports())) if (r.computedFrames > 0) computed[id] = r.computedFrames;
      return { chunk, info, cached: Object.keys(computed).length === 0, computed, ms: performance.now() - t0 };
    } catch (e) {
      throw session.failure ?? toAneloError(signal.aborted ? new AneloError('ANELO_E030_CANCELLED', 'preview cancelled', { nodeId: req.nodeId }) : e);
    } finally {
      // The frame goes back now; the cache's disk copies finish behind it (close() waits for them).
      this.behind(session.settle());
      session.dispose();
      release();
    }
  }

  private frameRange(plan: Plan, targets: string[], want?: { start: number; end?: number }): RenderRange {
    const counts = targets.map((id) => {
      const n = plan.nodes.get(id)!;
      const info = n.def.sink ? Object.values(n.inputs).map((s) => (s ? plan.nodes.get(s.nodeId)!.info[s.port] : undefined)).find(Boolean) : Object.values(n.info)[0];
      return info?.frameCount ?? 0;
    });
    return renderRange(Math.min(...counts), want);
  }

  /** The chunks each target reads itself: a sink its input over the range, a warmed node its own outputs. */
  private directReads(plan: Plan, chunkSize: number, targets: string[], frames: { start: number; end: number }, clip?: SegmentClip): Piece[] {
    const reads: Piece[] = [];
    for (const id of targets) {
      const node = plan.nodes.get(id)!;
      if (node.def.sink) {
        for (const src of Object.values(node.inputs)) {
          if (!src) continue;
          for (const [lo, hi] of this.sinkRanges(chunkSize, frames)) reads.push(...alignedPieces(plan.nodes.get(src.nodeId)!, chunkSize, lo, hi, clip?.reach.get(src.nodeId)));
        }
      } else {
        const pieces = alignedPieces(node, chunkSize, frames.start, frames.end, clip?.reach.get(id));
        for (const _port of node.def.outputs) reads.push(...pieces);
      }
    }
    return reads;
  }

  /** The frame ranges a sink pulls, one per chunk, clipped to the run's range. */
  private sinkRanges(chunkSize: number, frames: { start: number; end: number }): [number, number][] {
    const out: [number, number][] = [];
    for (let i = Math.floor(frames.start / chunkSize); i * chunkSize < frames.end; i++) {
      out.push([Math.max(frames.start, i * chunkSize), Math.min(frames.end, (i + 1) * chunkSize)]);
    }
    return out;
  }

  private chunkFrames(plan: Plan): number {
    return this.chunkSize ?? chunkFramesFor(plan);
  }

  private async warm(session: RunSession, nodeId: string, frames: { start: number; end: number }, onOutput?: RunOptions['onOutput']): Promise<void> {
    const node = session.node(nodeId);
    // Piece by piece, as directReads counted them (a node may ask for pieces longer than a chunk).
    for (const piece of session.piecesOf(nodeId, frames.start, frames.end)) {
      session.throwIfAborted(nodeId);
      for (const port of node.def.outputs) {
        const chunk = await session.read(nodeId, port.name, piece.a, piece.b);
        onOutput?.(nodeId, port.name, chunk);
      }
    }
  }

  private async runSink(session: RunSession, plan: Plan, id: string, ranges: [number, number][], frames: { start: number; end: number }, output?: string): Promise<string> {
    const node = plan.nodes.get(id)!;
    const outputPath = output ?? (typeof node.params.path === 'string' && node.params.path ? node.params.path : undefined);
    if (!outputPath) throw new AneloError('ANELO_E032_NO_OUTPUT_PATH', `encode node "${id}" has no output path: pass --output or set its "path" param`, { nodeId: id, param: 'path' });
    const inputInfo: Record<string, StreamInfo | undefined> = {};
    for (const [port, src] of Object.entries(node.inputs)) inputInfo[port] = src ? plan.nodes.get(src.nodeId)!.info[src.port] : undefined;
    const tally = session.tally(id);
    tally.start();
    const t0 = performance.now();
    // A sink's own time excludes what it waited for upstream (stages overlap, so upstream ms cannot be subtracted).
    let waited = 0;
    const ownMs = (): number => Math.max(0, performance.now() - t0 - waited);
    let counted = false;
    const readAhead = this.readAhead;
    try {
      const result = await node.def.sink!({
        nodeId: id,
        params: node.params,
        inputInfo,
        outputPath,
        frames,
        services: this.services,
        signal: session.signal,
        progress: (done) => tally.partialProgress('sink', done),
        async *pull(port: string) {
          const src = node.inputs[port];
          if (!src) return;
          // Read ahead: while this chunk is written, the next ones are computed (bounded, so memory stays flat).
          const inFlight: Promise<Chunk>[] = [];
          const fetch = (k: number): void => {
            if (k >= ranges.length) return;
            const p = session.read(src.nodeId, src.port, ranges[k][0], ranges[k][1]);
            p.catch(() => {});
            inFlight[k] = p;
          };
          for (let k = 0; k <= readAhead; k++) fetch(k);
          for (let k = 0; k < ranges.length; k++) {
            session.throwIfAborted(id);
            const w0 = performance.now();
            const chunk = await inFlight[k];
            waited += performance.now() - w0;
            delete inFlight[k];
            fetch(k + readAhead + 1);
            yield chunk;
          }
        },
      });
      for (const w of result.warnings ?? []) session.warn('ANELO_E038_NODE_WARNING', w, id);
      tally.computedFrames += result.frames;
      tally.ran = true;
      // Counted before node-done, which carries it (the editor's "ran N ms" badge read 0 for every sink while this
      // was added only once the sink had finished).
      tally.ms += ownMs();
      counted = true;
      tally.provide(result.frames, 'sink');
      tally.finish();
      return result.path;
    } catch (e) {
      const err = session.failure ?? toAneloError(e, { nodeId: id });
      if (!err.where.nodeId) (err.where as { nodeId?: string }).nodeId = id;
      throw session.fail(err, id);
    } finally {
      if (!counted) tally.ms += ownMs();
    }
  }
}
