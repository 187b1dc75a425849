/**
 * One run over a plan: pull-based, chunk by chunk. Asking a node for chunk i asks its inputs only for the chunks
 * its window covers. A chunk's key hangs on its inputs' output digests, so a node that recomputes to the same
 * bytes stops the wave (early cutoff), and a hit needs no upstream data at all.
 */
import { AneloError, toAneloError } from '../../nodes/core/errors.ts';
import type { Chunk, StreamInfo } from '../../nodes/core/types.ts';
import type { ActionEntry } from './disk-tier.ts';
import type { ChunkCache } from './chunk-cache.ts';
import { chunkDigest, chunkParts, concatChunks, sliceChunk } from './chunk-codec.ts';
import type { ExecutorEvent, NodeReport } from '../../nodes/core/events.ts';
import { canonicalJson, sha256 } from './hash.ts';
import type { Plan, PlannedNode } from './plan.ts';
import type { Services } from '../../nodes/core/types.ts';

interface Resolved {
  key: string;
  entry: ActionEntry;
}

interface NodeTally extends NodeReport {
  started: boolean;
  statSums: Record<string, { sum: number; frames: number }>;
  seenFrames: number;
}

export class RunSession {
  private readonly resolved = new Map<string, Promise<Resolved>>();
  private readonly computing = new Map<string, Promise<{ resolved: Resolved; chunks: Record<string, Chunk> }>>();
  readonly tallies = new Map<string, NodeTally>();

  constructor(
    readonly runId: string,
    readonly plan: Plan,
    private readonly cache: ChunkCache,
    private readonly services: Services,
    readonly chunkSize: number,
    readonly signal: AbortSignal,
    private readonly emit: (e: ExecutorEvent) => void,
    /** Frames each node is expected to provide in this run, for progress totals. */
    private readonly progressTotal: number,
  ) {
    for (const [id, n] of plan.nodes) {
      this.tallies.set(id, { type: n.def.type, status: 'skipped', computedFrames: 0, cacheHits: 0, ms: 0, stats: {}, started: false, statSums: {}, seenFrames: 0 });
    }
  }

  node(id: string): PlannedNode {
    const n = this.plan.nodes.get(id);
    if (!n) throw new AneloError('ANELO_E034_UNKNOWN_NODE', `no node "${id}" in the graph`, { nodeId: id });
    return n;
  }

  frameCount(node: PlannedNode): number {
    return Object.values(node.info)[0]?.frameCount ?? 0;
  }

  chunkBounds(node: PlannedNode, i: number): [number, number] {
    return [i * this.chunkSize, Math.min((i + 1) * this.chunkSize, this.frameCount(node))];
  }

  /** Frames [lo, hi) of a node's output port as one chunk. */
  async range(nodeId: string, port: string, lo: number, hi: number): Promise<Chunk> {
    const parts: Chunk[] = [];
    for (let i = Math.floor(lo / this.chunkSize); i * this.chunkSize < hi; i++) parts.push(await this.chunk(nodeId, port, i));
    const whole = concatChunks(parts);
    return whole.start === lo && chunkLen(whole) === hi - lo ? whole : sliceChunk(whole, lo, hi);
  }

  /** Chunk i of a node's output port, from cache when its key is known, else computed. */
  async chunk(nodeId: string, port: string, i: number): Promise<Chunk> {
    const node = this.node(nodeId);
    const r = await this.resolve(node, i);
    const digest = r.entry.digests[port];
    if (digest === undefined) throw new AneloError('ANELO_E099_INTERNAL', `node "${nodeId}" has no output "${port}"`, { nodeId, port });
    const hit = await this.cache.getChunk(digest, node.def.cache === 'disk', r.entry.ms);
    if (hit) return hit;
    // Its key is known but the bytes were evicted: compute again (deterministic nodes give the same digest).
    const again = await this.compute(node, i, r.key);
    return again.chunks[port];
  }

  /** The output digests of chunk i, without loading any data when the action cache knows them. */
  resolve(node: PlannedNode, i: number): Promise<Resolved> {
    const memoKey = `${node.id}#${i}`;
    let p = this.resolved.get(memoKey);
    if (!p) {
      p = this.resolveUncached(node, i);
      this.resolved.set(memoKey, p);
    }
    return p;
  }

  private async resolveUncached(node: PlannedNode, i: number): Promise<Resolved> {
    const key = await this.key(node, i);
    if (node.def.cache !== 'none') {
      const entry = await this.cache.getAction(key, node.def.cache === 'disk');
      if (entry) {
        const [a, b] = this.chunkBounds(node, i);
        const t = this.tallies.get(node.id)!;
        t.cacheHits++;
        this.markStarted(node.id);
        this.emit({ type: 'node-cached', runId: this.runId, nodeId: node.id, frames: b - a });
        this.advance(node.id, b - a);
        return { key, entry };
      }
    }
    return (await this.compute(node, i, key)).resolved;
  }

  private async key(node: PlannedNode, i: number): Promise<string> {
    const [a, b] = this.chunkBounds(node, i);
    const inputs: Record<string, string[]> = {};
    for (const [port, src] of Object.entries(node.inputs)) {
      if (!src) continue;
      const srcNode = this.node(src.nodeId);
      const [lo, hi] = this.windowOf(node, srcNode.info[src.port], a, b);
      const digests: string[] = [`${lo}:${hi}`];
      for (let j = Math.floor(lo / this.chunkSize); j * this.chunkSize < hi; j++) {
        digests.push((await this.resolve(srcNode, j)).entry.digests[src.port]);
      }
      inputs[port] = digests;
    }
    return sha256(canonicalJson({ node: node.staticKey, frames: [a, b], inputs }));
  }

  private windowOf(node: PlannedNode, src: StreamInfo, a: number, b: number): [number, number] {
    return [Math.max(0, a - node.window.before), Math.min(src.frameCount, b + node.window.after)];
  }

  private compute(node: PlannedNode, i: number, key: string): Promise<{ resolved: Resolved; chunks: Record<string, Chunk> }> {
    const memoKey = `${node.id}#${i}`;
    let p = this.computing.get(memoKey);
    if (!p) {
      p = this.computeUncached(node, i, key).finally(() => this.computing.delete(memoKey));
      this.computing.set(memoKey, p);
    }
    return p;
  }

  private async computeUncached(node: PlannedNode, i: number, key: string): Promise<{ resolved: Resolved; chunks: Record<string, Chunk> }> {
    const [a, b] = this.chunkBounds(node, i);
    const inputs: Record<string, Chunk | undefined> = {};
    const inputInfo: Record<string, StreamInfo | undefined> = {};
    for (const [port, src] of Object.entries(node.inputs)) {
      if (!src) continue;
      const info = this.node(src.nodeId).info[src.port];
      inputInfo[port] = info;
      const [lo, hi] = this.windowOf(node, info, a, b);
      inputs[port] = await this.range(src.nodeId, src.port, lo, hi);
    }
    this.throwIfAborted(node.id);
    if (!node.def.run) throw new AneloError('ANELO_E099_INTERNAL', `node "${node.id}" (${node.def.type}) cannot produce frames`, { nodeId: node.id });
    this.markStarted(node.id);
    const t = this.tallies.get(node.id)!;
    const t0 = performance.now();
    let outputs: Record<string, Chunk>;
    try {
      outputs = await node.def.run({
        nodeId: node.id,
        params: node.params,
        start: a,
        end: b,
        info: node.info,
        inputInfo,
        inputs,
        services: this.services,
        signal: this.signal,
        progress: () => {},
        stat: (name, value, frames = 1) => {
          const s = (t.statSums[name] ??= { sum: 0, frames: 0 });
          s.sum += value * frames;
          s.frames += frames;
        },
      });
    } catch (e) {
      throw nodeError(e, node);
    }
    const ms = performance.now() - t0;
    t.ms += ms;
    t.computedFrames += b - a;
    const digests: Record<string, string> = {};
    const persistent = node.def.cache === 'disk';
    for (const [port, chunk] of Object.entries(outputs)) {
      const parts = chunkParts(chunk);
      digests[port] = chunkDigest(parts);
      await this.cache.putChunk(digests[port], chunk, parts, ms, persistent);
    }
    const entry: ActionEntry = { digests, ms, nodeType: node.def.type };
    if (node.def.cache !== 'none') await this.cache.putAction(key, entry, persistent);
    this.advance(node.id, b - a);
    return { resolved: { key, entry }, chunks: outputs };
  }

  throwIfAborted(nodeId?: string): void {
    if (this.signal.aborted) throw new AneloError('ANELO_E030_CANCELLED', 'run cancelled', { nodeId });
  }

  markStarted(nodeId: string): void {
    const t = this.tallies.get(nodeId)!;
    if (t.started) return;
    t.started = true;
    this.emit({ type: 'node-start', runId: this.runId, nodeId });
  }

  /** Counts frames a node has provided (computed or from cache) and reports progress. */
  advance(nodeId: string, frames: number): void {
    const t = this.tallies.get(nodeId)!;
    t.seenFrames += frames;
    this.emit({ type: 'node-progress', runId: this.runId, nodeId, done: Math.min(t.seenFrames, this.progressTotal), total: this.progressTotal });
  }

  /** Final per-node reports. */
  reports(): Record<string, NodeReport> {
    const out: Record<string, NodeReport> = {};
    for (const [id, t] of this.tallies) {
      if (!t.started) continue;
      const stats: Record<string, number> = {};
      for (const [k, s] of Object.entries(t.statSums)) stats[k] = s.frames ? s.sum / s.frames : 0;
      const status = t.computedFrames > 0 ? 'ran' : t.cacheHits > 0 ? 'cached' : t.status === 'ran' ? 'ran' : 'skipped';
      out[id] = { type: t.type, status, computedFrames: t.computedFrames, cacheHits: t.cacheHits, ms: Math.round(t.ms), stats };
    }
    return out;
  }
}

function chunkLen(c: Chunk): number {
  return c.type === 'cuts' ? c.flags.length : c.frames.length;
}

function nodeError(e: unknown, node: PlannedNode): AneloError {
  const err = toAneloError(e, { nodeId: node.id });
  if (err.code === 'ANELO_E099_INTERNAL') {
    return new AneloError('ANELO_E031_NODE_FAILED', `node "${node.id}" (${node.def.type}) failed: ${err.message}`, { nodeId: node.id }, undefined, e);
  }
  if (!err.where.nodeId) (err.where as { nodeId?: string }).nodeId = node.id;
  return err;
}
