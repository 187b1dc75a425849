/**
 * What a run will read, worked out before anything runs: every (node, chunk) the targets need, and how many
 * readers each has. The session pins a computed chunk until its last reader is done with it, so nothing is
 * computed twice however small the memory budget is.
 */
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

/** The frames [lo, hi) a node reads from the input on `port` to produce [a, b): its window, clipped. */
export function inputWindow(plan: Plan, node: PlannedNode, port: string, a: number, b: number): [number, number] | undefined {
  const src = node.inputs[port];
  if (!src) return undefined;
  const info = plan.nodes.get(src.nodeId)!.info[src.port];
  return [Math.max(0, a - node.window.before), Math.min(info.frameCount, b + node.window.after)];
}

/** The chunk-aligned pieces of a node that cover frames [lo, hi). */
export function alignedPieces(node: PlannedNode, chunkSize: number, lo: number, hi: number): Piece[] {
  const n = frameCountOf(node);
  const out: Piece[] = [];
  for (let j = Math.floor(lo / chunkSize); j * chunkSize < hi; j++) out.push({ nodeId: node.id, a: j * chunkSize, b: Math.min((j + 1) * chunkSize, n) });
  return out;
}

export interface Demand {
  /** Piece id → readers still to come. */
  readers: Map<string, number>;
  /** Node id → frames it must provide (its needed pieces, windows included): each node's progress total. */
  frames: Map<string, number>;
  /** Node id → pieces it must provide; when all have resolved the node is done. */
  pieces: Map<string, number>;
}

/**
 * Readers of every piece needed to produce `reads` (pieces read directly by sinks or a warm-up). A piece's readers
 * are the pieces downstream whose window covers it, plus the direct reads.
 */
export function planDemand(plan: Plan, chunkSize: number, reads: Piece[]): Demand {
  const readers = new Map<string, number>();
  const frames = new Map<string, number>();
  const pieces = new Map<string, number>();
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
    for (const [port, src] of Object.entries(node.inputs)) {
      const w = src && inputWindow(plan, node, port, p.a, p.b);
      if (!w) continue;
      for (const q of alignedPieces(plan.nodes.get(src.nodeId)!, chunkSize, w[0], w[1])) read(q);
    }
  }
  return { readers, frames, pieces };
}
