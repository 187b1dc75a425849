/**
 * Plans a cluster render: runs the graph's scene-detect nodes over the render's frame range with the same executor
 * (cheap, and cached on disk like any run), and returns the frames where a new shot starts — reporting them as
 * they are found, so segments can start rendering while the search goes on.
 */
import { Type } from '@sinclair/typebox';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';
import { defineNode, type AnyNodeDefinition, type CutsChunk } from '../../nodes/core/types.ts';
import { NODE_DEFINITIONS } from '../../nodes/index.ts';
import type { ChunkCache } from '../engine/chunk-cache.ts';
import { Executor } from '../engine/executor.ts';
import type { Services } from '../../nodes/core/types.ts';

const COLLECTOR_TYPE = 'anelo-cluster-cut-list';

/**
 * A planning-only sink that hands the cut flags it pulls to `collect`. It lives here, not in nodes/, because no
 * graph document may name it; it runs only in the planning process.
 */
function cutCollector(collect: (collectorId: string, chunk: CutsChunk) => void, reached: (collectorId: string, end: number) => void): AnyNodeDefinition {
  return defineNode({
    type: COLLECTOR_TYPE,
    version: 1,
    label: 'Cut list',
    category: 'analysis',
    description: 'Collects scene cuts for cluster planning.',
    inputs: [{ name: 'cuts', types: ['cuts'], label: 'Cuts' }],
    outputs: [],
    params: Type.Object({}),
    cache: 'none',
    async info() {
      return {};
    },
    async sink(ctx) {
      let frames = 0;
      for await (const chunk of ctx.pull('cuts')) {
        if (chunk.type !== 'cuts') continue;
        collect(ctx.nodeId, chunk);
        frames += chunk.flags.length;
        reached(ctx.nodeId, chunk.start + chunk.flags.length);
      }
      return { path: ctx.outputPath, frames };
    },
  }) as unknown as AnyNodeDefinition;
}

export interface DetectedCuts {
  /** Sorted first frames of new shots inside the range, of every detector. */
  all: number[];
  /** The same per scene-detect node: a segment run clips the windows of each detector's readers at its own cuts. */
  byDetector: Record<string, number[]>;
  /**
   * Each detector's output over the range so far (frame `from` + k at index k; decided up to the `decided` frame
   * the search reports): what a segment needs to take the cuts from the planner instead of detecting them again.
   */
  outputs: Record<string, DetectorOutput>;
}

export interface DetectorOutput {
  from: number;
  flags: Uint8Array;
  scores: Float32Array;
}

/**
 * Cuts inside `frames` (none when the graph has no scene-detect node). `onFound` hears, after each chunk, the cuts
 * found so far and the frame before which every detector has decided (all cuts before it are among them).
 */
export async function detectCuts(
  /** `workers`: pool threads for the search (the executor's default when absent). */
  env: { services: Services; cache: ChunkCache; workers?: number },
  graph: GraphDocument,
  frames: { start: number; end: number },
  signal?: AbortSignal,
  onFound?: (found: DetectedCuts, decided: number) => void,
): Promise<DetectedCuts> {
  const detectors = graph.nodes.filter((n) => n.type === 'scene-detect');
  if (detectors.length === 0) return { all: [], byDetector: {}, outputs: {} };
  const found = new Map<string, number[]>();
  const n = frames.end - frames.start;
  const outputs = Object.fromEntries(detectors.map((d) => [d.id, { from: frames.start, flags: new Uint8Array(n), scores: new Float32Array(n) }]));
  const reached = new Map<string, number>();
  const inside = (fs: Iterable<number>): number[] => [...new Set(fs)].filter((f) => f > frames.start && f < frames.end).sort((a, b) => a - b);
  const known = (): DetectedCuts => {
    const byDetector = Object.fromEntries(detectors.map((d) => [d.id, inside(found.get(`${COLLECTOR_TYPE}-${d.id}`) ?? [])]));
    return { all: inside(Object.values(byDetector).flat()), byDetector, outputs };
  };
  const g = structuredClone(graph);
  const targets: string[] = [];
  for (const d of detectors) {
    const id = `${COLLECTOR_TYPE}-${d.id}`;
    g.nodes.push({ id, type: COLLECTOR_TYPE, params: {}, position: { x: 0, y: 0 } });
    g.edges.push({ source: d.id, sourcePort: 'cuts', target: id, targetPort: 'cuts' });
    targets.push(id);
  }
  const planner = new Executor({
    services: env.services,
    // Decoded frames keep only their digests on disk (decode's cache policy), so a re-submit finds the cuts through
    // them without decoding, and the search writes none of the frames it reads.
    cache: env.cache,
    workers: env.workers,
    definitions: [
      ...NODE_DEFINITIONS,
      cutCollector(
        (id, chunk) => {
          const out = outputs[id.slice(COLLECTOR_TYPE.length + 1)];
          const lo = Math.max(chunk.start, frames.start);
          const hi = Math.min(chunk.start + chunk.flags.length, frames.end);
          if (hi > lo) {
            out.flags.set(chunk.flags.subarray(lo - chunk.start, hi - chunk.start), lo - frames.start);
            out.scores.set(chunk.scores.subarray(lo - chunk.start, hi - chunk.start), lo - frames.start);
          }
          chunk.flags.forEach((f, k) => f && found.set(id, [...(found.get(id) ?? []), chunk.start + k]));
        },
        (id, end) => {
          reached.set(id, Math.max(reached.get(id) ?? 0, end));
          // Detectors run one after another: until each has reached a frame, nothing before it is decided.
          if (onFound && reached.size === targets.length) onFound(known(), Math.min(...reached.values()));
        },
      ),
    ],
  });
  try {
    await planner.run(g, { targets, frames, outputs: Object.fromEntries(targets.map((t) => [t, '(cut list)'])), signal });
  } finally {
    await planner.close();
  }
  return known();
}
