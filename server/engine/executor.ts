/**
 * The one executor the CLI, the server and the benchmarks call. It plans a graph, then pulls what the targets
 * need chunk by chunk through the cache; memory is bounded by the cache budget, not the video length.
 */
import { randomUUID } from 'node:crypto';
import { AneloError, toAneloError } from '../../nodes/core/errors.ts';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';
import type { AnyNodeDefinition, Chunk, Services, StreamInfo } from '../../nodes/core/types.ts';
import { NODE_DEFINITIONS } from '../../nodes/index.ts';
import { ChunkCache } from './chunk-cache.ts';
import { sliceChunk } from './chunk-codec.ts';
import type { ExecutorEvent, RunReport } from '../../nodes/core/events.ts';
import { buildPlan, upstreamOf, type Plan } from './plan.ts';
import { RunSession } from './run-session.ts';

export interface ExecutorOptions {
  services: Services;
  cache?: ChunkCache;
  /** Frames per chunk (default 16): the unit of caching and of streaming. */
  chunkSize?: number;
  definitions?: readonly AnyNodeDefinition[];
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
}

export interface PreviewResult {
  chunk: Chunk;
  info: StreamInfo;
  /** True when nothing had to be computed. */
  cached: boolean;
  ms: number;
}

export class Executor {
  readonly services: Services;
  readonly cache: ChunkCache;
  readonly chunkSize: number;
  readonly definitions: readonly AnyNodeDefinition[];

  constructor(opts: ExecutorOptions) {
    this.services = opts.services;
    this.cache = opts.cache ?? new ChunkCache();
    this.chunkSize = opts.chunkSize ?? 16;
    this.definitions = opts.definitions ?? NODE_DEFINITIONS;
  }

  /** Stream info of every node's outputs (probes sources, resolves models), without computing frames. */
  async info(graph: GraphDocument): Promise<Record<string, Record<string, StreamInfo>>> {
    const plan = await buildPlan(graph, this.definitions, this.services);
    return Object.fromEntries([...plan.nodes].map(([id, n]) => [id, n.info]));
  }

  async run(graph: GraphDocument, opts: RunOptions = {}): Promise<RunReport> {
    const runId = opts.runId ?? randomUUID();
    const emit = opts.onEvent ?? (() => {});
    const signal = opts.signal ?? new AbortController().signal;
    const t0 = performance.now();
    let session: RunSession | undefined;
    try {
      const plan = await buildPlan(graph, this.definitions, this.services);
      const targets = opts.targets ?? plan.order.filter((id) => plan.nodes.get(id)!.def.sink);
      for (const id of targets) if (!plan.nodes.has(id)) throw new AneloError('ANELO_E034_UNKNOWN_NODE', `no node "${id}" in the graph`, { nodeId: id });
      const frames = this.frameRange(plan, targets, opts.frames);
      const involved = upstreamOf(plan, targets);
      session = new RunSession(runId, plan, this.cache, this.services, this.chunkSize, signal, emit, frames.end - frames.start);
      emit({ type: 'run-start', runId, nodes: plan.order.filter((id) => involved.has(id)), frames });
      const outputs: Record<string, string> = {};
      for (const id of plan.order.filter((x) => targets.includes(x))) {
        const node = plan.nodes.get(id)!;
        if (node.def.sink) outputs[id] = await this.runSink(session, plan, id, frames, opts.outputs?.[id]);
        else await this.warm(session, id, frames);
      }
      const nodes = session.reports();
      for (const [nodeId, r] of Object.entries(nodes)) emit({ type: 'node-done', runId, nodeId, ms: r.ms, computedFrames: r.computedFrames, cacheHits: r.cacheHits, stats: r.stats });
      const report: RunReport = { runId, totalMs: Math.round(performance.now() - t0), frames, nodes, outputs, warnings: [] };
      emit({ type: 'run-done', runId, report });
      await this.cache.prune().catch(() => {});
      return report;
    } catch (e) {
      const err = toAneloError(signal.aborted ? new AneloError('ANELO_E030_CANCELLED', 'run cancelled') : e);
      emit({ type: 'run-error', runId, code: err.code, nodeId: err.where.nodeId, message: err.message });
      throw err;
    }
  }

  /** One frame of one node's output, computed through the same cache as runs. */
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
    const session = new RunSession(randomUUID(), plan, this.cache, this.services, this.chunkSize, req.signal ?? new AbortController().signal, req.onEvent ?? (() => {}), 1);
    const i = Math.floor(req.frame / this.chunkSize);
    const chunk = sliceChunk(await session.chunk(req.nodeId, port, i), req.frame, req.frame + 1);
    const cached = Object.values(session.reports()).every((r) => r.computedFrames === 0);
    return { chunk, info, cached, ms: performance.now() - t0 };
  }

  private frameRange(plan: Plan, targets: string[], want?: { start: number; end?: number }): { start: number; end: number } {
    const counts = targets.map((id) => {
      const n = plan.nodes.get(id)!;
      const info = n.def.sink ? Object.values(n.inputs).map((s) => (s ? plan.nodes.get(s.nodeId)!.info[s.port] : undefined)).find(Boolean) : Object.values(n.info)[0];
      return info?.frameCount ?? 0;
    });
    const total = Math.min(...counts);
    const start = want?.start ?? 0;
    const end = Math.min(want?.end ?? total, total);
    if (!(start >= 0 && end > start)) {
      throw new AneloError('ANELO_E013_EMPTY_RANGE', `frames ${start}:${want?.end ?? ''} select nothing of ${total} frames`, {});
    }
    return { start, end };
  }

  private async warm(session: RunSession, nodeId: string, frames: { start: number; end: number }): Promise<void> {
    const node = session.node(nodeId);
    for (let i = Math.floor(frames.start / this.chunkSize); i * this.chunkSize < frames.end; i++) {
      session.throwIfAborted(nodeId);
      for (const port of node.def.outputs) await session.chunk(nodeId, port.name, i);
    }
  }

  private async runSink(session: RunSession, plan: Plan, id: string, frames: { start: number; end: number }, output?: string): Promise<string> {
    const node = plan.nodes.get(id)!;
    const outputPath = output ?? (typeof node.params.path === 'string' && node.params.path ? node.params.path : undefined);
    if (!outputPath) throw new AneloError('ANELO_E032_NO_OUTPUT_PATH', `encode node "${id}" has no output path: pass --output or set its "path" param`, { nodeId: id, param: 'path' });
    const inputInfo: Record<string, StreamInfo | undefined> = {};
    for (const [port, src] of Object.entries(node.inputs)) inputInfo[port] = src ? plan.nodes.get(src.nodeId)!.info[src.port] : undefined;
    session.markStarted(id);
    const tally = session.tallies.get(id)!;
    const t0 = performance.now();
    const upstreamBefore = this.upstreamMs(session, id);
    const chunkSize = this.chunkSize;
    try {
      const result = await node.def.sink!({
        nodeId: id,
        params: node.params,
        inputInfo,
        outputPath,
        frames,
        services: this.services,
        signal: session.signal,
        progress: () => {},
        async *pull(port: string) {
          const src = node.inputs[port];
          if (!src) return;
          for (let i = Math.floor(frames.start / chunkSize); i * chunkSize < frames.end; i++) {
            session.throwIfAborted(id);
            const lo = Math.max(frames.start, i * chunkSize);
            const hi = Math.min(frames.end, (i + 1) * chunkSize);
            yield await session.range(src.nodeId, src.port, lo, hi);
            session.advance(id, hi - lo);
          }
        },
      });
      tally.computedFrames += result.frames;
      tally.status = 'ran';
      return result.path;
    } catch (e) {
      const err = toAneloError(e, { nodeId: id });
      if (!err.where.nodeId) (err.where as { nodeId?: string }).nodeId = id;
      throw err;
    } finally {
      // A sink's own time excludes what it waited for upstream.
      tally.ms += Math.max(0, performance.now() - t0 - (this.upstreamMs(session, id) - upstreamBefore));
    }
  }

  private upstreamMs(session: RunSession, sinkId: string): number {
    let ms = 0;
    for (const [k, t] of session.tallies) if (k !== sinkId) ms += t.ms;
    return ms;
  }
}
