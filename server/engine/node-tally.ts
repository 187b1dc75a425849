/**
 * Per-node bookkeeping of a run: frames computed and served from cache, time, statistics, and progress that only
 * moves forward (finished frames plus frames finished inside chunks still being computed).
 */
import type { ExecutorEvent, NodeReport } from '../../nodes/core/events.ts';

export class NodeTally {
  started = false;
  done = false;
  computedFrames = 0;
  cacheHits = 0;
  ms = 0;
  /** Set when a sink wrote its file. */
  ran = false;
  /** Frames provided so far (computed or from cache). */
  private provided = 0;
  /** Frames finished inside computations still running, by computation. */
  private readonly partial = new Map<string, number>();
  private lastReported = -1;
  private readonly statSums: Record<string, { sum: number; frames: number }> = {};
  resolvedPieces = 0;

  constructor(
    readonly nodeId: string,
    readonly type: string,
    private readonly runId: string,
    /** Frames this node must provide in this run. */
    public total: number,
    private readonly emit: (e: ExecutorEvent) => void,
  ) {}

  start(): void {
    if (this.started) return;
    this.started = true;
    this.emit({ type: 'node-start', runId: this.runId, nodeId: this.nodeId });
  }

  stat(name: string, value: number, frames: number): void {
    const s = (this.statSums[name] ??= { sum: 0, frames: 0 });
    s.sum += value * frames;
    s.frames += frames;
  }

  /** Frames finished so far inside computation `id` (a node's own per-frame progress). */
  partialProgress(id: string, framesDone: number): void {
    this.partial.set(id, Math.max(this.partial.get(id) ?? 0, framesDone));
    this.report();
  }

  /** A computation (`id`, and its parts `id/k`) or a cache hit provided `frames` frames; ends its partial progress. */
  provide(frames: number, id?: string): void {
    if (id !== undefined) for (const k of [...this.partial.keys()]) if (k === id || k.startsWith(`${id}/`)) this.partial.delete(k);
    this.provided += frames;
    this.report();
  }

  private report(): void {
    let done = this.provided;
    for (const v of this.partial.values()) done += v;
    done = Math.min(done, this.total);
    if (done <= this.lastReported) return;
    this.lastReported = done;
    this.emit({ type: 'node-progress', runId: this.runId, nodeId: this.nodeId, done, total: this.total });
  }

  stats(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [k, s] of Object.entries(this.statSums)) out[k] = s.frames ? s.sum / s.frames : 0;
    return out;
  }

  toReport(): NodeReport {
    const status = this.computedFrames > 0 || this.ran ? 'ran' : this.cacheHits > 0 ? 'cached' : 'skipped';
    return { type: this.type, status, computedFrames: this.computedFrames, cacheHits: this.cacheHits, ms: Math.round(this.ms), stats: this.stats() };
  }

  /** Emits node-done once, when the node has provided everything it must. */
  finish(): void {
    if (this.done || !this.started) return;
    this.done = true;
    const r = this.toReport();
    this.emit({ type: 'node-done', runId: this.runId, nodeId: this.nodeId, ms: r.ms, computedFrames: r.computedFrames, cacheHits: r.cacheHits, stats: r.stats });
  }
}
