/**
 * What a run will read, worked out before anything runs: every (node, chunk) the targets need, and how many
 * readers each has. The session pins a computed chunk until its last reader is done with it, so nothing is
 * computed twice however small the memory budget is.
 */
import { framesRead } from '../../nodes/core/types.ts';
import type { Plan, PlannedNode } from './plan.ts';

export interface Piece {
  nodeId: string;
  /** Frames [a, b) of the node's outputs. */
  a: number;
  b: number;
}

export function pieceId(p: Piece): string {
  return `${p.nodeId}@${p.a}:${p.b}`;
}

export function frameCountOf(node: PlannedNode): number {
  return Object.values(node.info)[0]?.frameCount ?? 0;
}

/** Frames per chunk where frames are small: the unit of caching, streaming and the pool's tasks. */
export const MAX_CHUNK_FRAMES = 16;
/** Pixels a chunk of a plan's largest stream may hold: 8 frames of full side-by-side 1080p (3840x1080). */
export const CHUNK_PIXELS = 8 * 3840 * 1080;

/**
 * Frames per chunk for a plan: 16, halved until a chunk of its largest frames or depth stream holds no more than
 * CHUNK_PIXELS: 16 frames up to 1920x1080 (half side-by-side 1080p, full side-by-side 720p), 8 at full side-by-side
 * 1080p, 4 at 4K, 2 at 4K warped to full side-by-side (7680x2160), 1 at 8K. Every chunk in flight is new memory
 * until the first ones are let go, and new memory costs (the kernel clears each page as it is first written: 2.5 s
 * of a pooled 48-frame 1080p render's CPU in chunks of 16 on this project's VM, 1.0 s with --workers 0). With 16-frame
 * chunks a 4K render peaked at 3.9 GB (2.1–2.4 GB in chunks of 4, and 12 % faster). Halving again, alternated renders
 * (`anelo run`, default graph, FastDepth, x264 ultrafast) took the same time and less memory: 48 frames of 1080p
 * 1.09–1.34 GB peak RSS against 1.46–1.78 GB, all 132 frames of bbb-5s at 1080p 1.38 against 2.03 GB, 24 frames of
 * 4K in chunks of 2 instead of 4 1.62–1.65 against 1.97–2.33 GB. Chunks of 4 at 1080p gained nothing more, and at
 * 640x272 (where 16 stays) chunks of 8 or 4 ran no faster. The rule is a function of the plan alone, so a graph's runs
 * and previews share their chunks in the cache.
 */
export function chunkFramesFor(plan: Plan): number {
  let pixels = 0;
  for (const node of plan.nodes.values()) {
    for (const info of Object.values(node.info)) if (info.type !== 'cuts') pixels = Math.max(pixels, info.width * info.height);
  }
  let frames = MAX_CHUNK_FRAMES;
  while (frames > 1 && frames * pixels > CHUNK_PIXELS) frames /= 2;
  return frames;
}

/** Scene-detect node id → frames known to start a new scene there (first frames of shots). */
export type KnownCuts = Readonly<Record<string, readonly number[]>>;

/**
 * Limits of a run that is one segment of a larger render: pieces are cut short at the frames the range can reach
 * through windows (instead of whole chunks), and a node that reads scene cuts gets no frames across a known cut.
 */
export interface SegmentClip {
  cuts: KnownCuts;
  /** Node id → frames [lo, hi) the run's range reaches at that node; its pieces are clipped to them. */
  reach: Map<string, [number, number]>;
}

/**
 * The frames [lo, hi) a node reads from the input on `port` to produce [a, b) (none from an info-only port): its
 * window (with `exact`, as a preview reads, its exact reach: see `framesRead`), clipped to the stream, and, for a
 * node that reads scene cuts, at the cuts known of its detector: such a node never reads across a cut, so the
 * frames beyond one cannot change what it makes of [a, b).
 */
export function inputWindow(plan: Plan, node: PlannedNode, port: string, a: number, b: number, cuts?: KnownCuts, exact = false): [number, number] | undefined {
  const src = node.inputs[port];
  if (!src || node.def.inputs.find((s) => s.name === port)?.infoOnly) return undefined;
  const info = plan.nodes.get(src.nodeId)!.info[src.port];
  const [wantLo, wantHi] = exact ? framesRead(node.def, node.params, node.window, a, b) : [a - node.window.before, b + node.window.after];
  let lo = Math.max(0, wantLo);
  let hi = Math.min(info.frameCount, wantHi);
  for (const c of cutsReadBy(plan, node, cuts)) {
    if (c <= a) lo = Math.max(lo, c);
    if (c >= b) hi = Math.min(hi, c);
  }
  return [lo, hi];
}

/** Known cuts of the detectors whose cut flags a node reads. */
function cutsReadBy(plan: Plan, node: PlannedNode, cuts: KnownCuts | undefined): readonly number[] {
  if (!cuts) return [];
  const out: number[] = [];
  for (const src of Object.values(node.inputs)) {
    if (src && plan.nodes.get(src.nodeId)!.info[src.port]?.type === 'cuts') out.push(...(cuts[src.nodeId] ?? []));
  }
  return out;
}

/**
 * The chunk-aligned pieces of a node that cover frames [lo, hi), cut short at `reach` when given. A node that asks
 * for longer pieces (`pieceFrames`) gets them on a grid of as many chunks as make that length.
 */
export function alignedPieces(node: PlannedNode, baseChunkSize: number, lo: number, hi: number, reach?: readonly [number, number]): Piece[] {
  const chunkSize = baseChunkSize * Math.max(1, Math.ceil((node.def.pieceFrames ?? 0) / baseChunkSize));
  const first = reach ? Math.max(0, reach[0]) : 0;
  const end = reach ? Math.min(frameCountOf(node), reach[1]) : frameCountOf(node);
  const out: Piece[] = [];
  for (let j = Math.floor(lo / chunkSize); j * chunkSize < hi; j++) out.push({ nodeId: node.id, a: Math.max(j * chunkSize, first), b: Math.min((j + 1) * chunkSize, end) });
  return out;
}

/**
 * What frames [start, end) of `targets` reach at every node through the windows (clipped at known cuts), for a
 * segment run: a node's reach is the union of what its readers' reaches read of it.
 */
export function segmentClip(plan: Plan, targets: string[], frames: { start: number; end: number }, cuts: KnownCuts): SegmentClip {
  const reach = new Map<string, [number, number]>();
  const widen = (id: string, lo: number, hi: number): void => {
    const had = reach.get(id);
    reach.set(id, had ? [Math.min(had[0], lo), Math.max(had[1], hi)] : [lo, hi]);
  };
  for (const id of targets) {
    const node = plan.nodes.get(id)!;
    if (!node.def.sink) widen(id, frames.start, frames.end);
    else for (const src of Object.values(node.inputs)) if (src) widen(src.nodeId, frames.start, frames.end);
  }
  for (const id of [...plan.order].reverse()) {
    const range = reach.get(id);
    const node = plan.nodes.get(id)!;
    if (!range || node.def.sink) continue;
    for (const [port, src] of Object.entries(node.inputs)) {
      const w = src && inputWindow(plan, node, port, range[0], range[1], cuts);
      if (src && w) widen(src.nodeId, w[0], w[1]);
    }
  }
  return { cuts, reach };
}

export interface Demand {
  /** Piece id → readers still to come. */
  readers: Map<string, number>;
  /** Node id → frames it must provide (its needed pieces, windows included): each node's progress total. */
  frames: Map<string, number>;
  /** Node id → pieces it must provide; when all have resolved the node is done. */
  pieces: Map<string, number>;
  /** Node id → the first of its pieces (lowest frames): where a run looks whether the node will compute. */
  first: Map<string, Piece>;
  /** Set for a segment run (see segmentClip): the session cuts pieces and windows as the plan did. */
  clip?: SegmentClip;
}

/**
 * Readers of every piece needed to produce `reads` (pieces read directly by sinks or a warm-up). A piece's readers
 * are the pieces downstream whose window covers it, plus the direct reads.
 */
export function planDemand(plan: Plan, chunkSize: number, reads: Piece[], clip?: SegmentClip): Demand {
  const readers = new Map<string, number>();
  const frames = new Map<string, number>();
  const pieces = new Map<string, number>();
  const first = new Map<string, Piece>();
  const seen = new Set<string>();
  const todo: Piece[] = [];
  const read = (p: Piece): void => {
    const id = pieceId(p);
    readers.set(id, (readers.get(id) ?? 0) + 1);
    if (!seen.has(id)) {
      seen.add(id);
      todo.push(p);
    }
  };
  for (const p of reads) read(p);
  while (todo.length) {
    const p = todo.pop()!;
    const node = plan.nodes.get(p.nodeId)!;
    frames.set(node.id, (frames.get(node.id) ?? 0) + (p.b - p.a));
    pieces.set(node.id, (pieces.get(node.id) ?? 0) + 1);
    const had = first.get(node.id);
    if (!had || p.a < had.a) first.set(node.id, p);
    for (const [port, src] of Object.entries(node.inputs)) {
      const w = src && inputWindow(plan, node, port, p.a, p.b, clip?.cuts);
      if (!w) continue;
      for (const q of alignedPieces(plan.nodes.get(src.nodeId)!, chunkSize, w[0], w[1], clip?.reach.get(src.nodeId))) read(q);
    }
  }
  return { readers, frames, pieces, first, clip };
}
