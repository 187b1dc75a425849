/**
 * Scene cuts of a clip for the editor's scrubber, found in the background. The cuts come from the graph's own
 * scene-detect node (or one with default params fed by its decode node), computed by the executor like any run:
 * on the pool, into the cache, so a later run or preview reuses them and a second ask is instant. A request never
 * waits for a long clip: it gets the job's state (queued, computing with the frames analysed so far, done, error)
 * and asks again. Jobs run one at a time; a job nobody has asked about for a while is dropped.
 */
import { createHash } from 'node:crypto';
import { AneloError, toAneloError } from '../../../nodes/core/errors.ts';
import type { GraphDocument, GraphNode } from '../../../nodes/core/graph-document.ts';
import type { Executor } from '../../engine/executor.ts';
import { redactPaths } from './public-error.ts';

export type CutJobState = 'queued' | 'computing' | 'done' | 'error';

export interface CutJobView {
  state: CutJobState;
  /** First frames of new shots (frame 0 left out), as far as they are known. */
  cuts: number[];
  frameCount: number;
  /** Frames analysed so far. */
  done: number;
  /** The scene-detect node the cuts come from (`scenes-auto` when the graph has none). */
  nodeId: string;
  error?: { code: string; message: string };
}

interface Job {
  key: string;
  graph: GraphDocument;
  view: CutJobView;
  askedAt: number;
  controller: AbortController;
}

/** Id of the scene-detect node added when the graph has none. */
export const AUTO_SCENE_NODE = 'scenes-auto';
/** Jobs waiting at most; more asks get 503 E107. */
const MAX_QUEUED = 8;
/**
 * A job not asked about for this long is cancelled: the page went away, moved to another clip or changed what
 * feeds the scene node (the editor asks every 0.7 s), and its work would only slow the previews down.
 */
const ABANDON_MS = 5_000;
/** Finished jobs kept for instant answers. */
const KEEP_DONE = 32;

/** The graph's scene-detect node and what feeds it, or a default one on its first decode node. */
export function cutsGraph(graph: GraphDocument, nodeId?: string): { graph: GraphDocument; nodeId: string } {
  let scene: GraphNode | undefined;
  if (nodeId !== undefined) {
    scene = graph.nodes.find((n) => n.id === nodeId);
    if (!scene) throw new AneloError('ANELO_E034_UNKNOWN_NODE', `no node "${nodeId}" in the graph`, { nodeId });
    if (scene.type !== 'scene-detect') throw new AneloError('ANELO_E112_NOT_SCENE_DETECT', `node "${nodeId}" is a ${scene.type} node, not a scene-detect node`, { nodeId });
  } else {
    scene = graph.nodes.find((n) => n.type === 'scene-detect');
  }
  if (!scene) {
    const decode = graph.nodes.find((n) => n.type === 'decode');
    if (!decode) throw new AneloError('ANELO_E112_NOT_SCENE_DETECT', 'the graph has neither a scene-detect node nor a decode node to find cuts in', {});
    scene = { id: AUTO_SCENE_NODE, type: 'scene-detect', params: {}, position: { x: 0, y: 0 } };
    const edge = { source: decode.id, sourcePort: 'frames', target: AUTO_SCENE_NODE, targetPort: 'frames' };
    graph = { ...graph, nodes: [...graph.nodes, scene], edges: [...graph.edges, edge] };
  }
  // Only what feeds the scene node is planned: a depth model that is not installed must not stop the cuts.
  const keep = new Set([scene.id]);
  for (let size = 0; size !== keep.size; ) {
    size = keep.size;
    for (const e of graph.edges) if (keep.has(e.target)) keep.add(e.source);
  }
  return {
    nodeId: scene.id,
    graph: { ...graph, nodes: graph.nodes.filter((n) => keep.has(n.id)), edges: graph.edges.filter((e) => keep.has(e.source) && keep.has(e.target)) },
  };
}

/** What decides the cuts: the nodes' types and params and the wiring, not ids, positions or labels. */
function jobKey(graph: GraphDocument, nodeId: string): string {
  const nodes = graph.nodes.map((n) => ({ id: n.id, type: n.type, params: n.params })).sort((a, b) => a.id.localeCompare(b.id));
  const edges = graph.edges.map((e) => `${e.source}.${e.sourcePort}>${e.target}.${e.targetPort}`).sort();
  return createHash('sha256').update(JSON.stringify({ nodeId, nodes, edges })).digest('hex');
}

export class SceneCutJobs {
  private readonly jobs = new Map<string, Job>();
  private running: Job | undefined;

  constructor(private readonly executor: Executor) {}

  /** The cuts of the scene node in `graph` (bound to its media): the job's state now, starting it when new. */
  ask(graph: GraphDocument, nodeId: string): CutJobView {
    const key = jobKey(graph, nodeId);
    let job = this.jobs.get(key);
    if (!job || (job.view.state === 'error' && job.view.error?.code === 'ANELO_E030_CANCELLED')) {
      if ([...this.jobs.values()].filter((j) => j.view.state === 'queued').length >= MAX_QUEUED) {
        throw new AneloError('ANELO_E107_SERVER_BUSY', `scene cuts refused: ${MAX_QUEUED} clips are already waiting; try again in a moment`, {});
      }
      job = { key, graph, view: { state: 'queued', cuts: [], frameCount: 0, done: 0, nodeId }, askedAt: 0, controller: new AbortController() };
      this.jobs.set(key, job);
      this.next();
    }
    job.askedAt = Date.now();
    return { ...job.view, cuts: [...job.view.cuts] };
  }

  /** Cancels what is running (server shutdown). */
  close(): void {
    for (const job of this.jobs.values()) job.controller.abort();
  }

  private next(): void {
    if (this.running) return;
    const now = Date.now();
    for (const job of this.jobs.values()) {
      if (job.view.state !== 'queued') continue;
      if (now - job.askedAt > ABANDON_MS && job.askedAt > 0) {
        this.jobs.delete(job.key);
        continue;
      }
      this.running = job;
      void this.compute(job).finally(() => {
        this.running = undefined;
        this.trim();
        this.next();
      });
      return;
    }
  }

  private async compute(job: Job): Promise<void> {
    const { view, controller } = job;
    const signal = controller.signal;
    view.state = 'computing';
    const abandoned = (): void => {
      if (Date.now() - job.askedAt > ABANDON_MS) controller.abort();
    };
    try {
      view.frameCount = (await this.executor.info(job.graph))[view.nodeId].cuts.frameCount;
      await this.executor.run(job.graph, {
        targets: [view.nodeId],
        signal,
        // The cuts are cached; the clip's decoded frames are not (see RunOptions.cacheFrames).
        cacheFrames: false,
        onEvent: (e) => {
          if (e.type === 'node-progress' && e.nodeId === view.nodeId) view.done = Math.min(view.frameCount, e.done);
          abandoned();
        },
        // The flags arrive chunk by chunk, in order: the marks appear as the detection moves through the clip.
        onOutput: (_node, _port, chunk) => {
          if (chunk.type !== 'cuts') return;
          chunk.flags.forEach((flag, i) => flag === 1 && chunk.start + i > 0 && view.cuts.push(chunk.start + i));
        },
      });
      view.done = view.frameCount;
      view.state = 'done';
    } catch (e) {
      const err = toAneloError(signal.aborted ? new AneloError('ANELO_E030_CANCELLED', 'scene cuts cancelled', { nodeId: view.nodeId }) : e);
      view.state = 'error';
      // As the error handler does for a 5xx: no internals, no server paths.
      view.error = { code: err.code, message: err.code === 'ANELO_E099_INTERNAL' ? 'internal error' : redactPaths(err.message) };
    }
  }

  /** Keeps the newest finished jobs only. */
  private trim(): void {
    const finished = [...this.jobs.values()].filter((j) => j.view.state === 'done' || j.view.state === 'error');
    for (const j of finished.slice(0, Math.max(0, finished.length - KEEP_DONE))) this.jobs.delete(j.key);
  }
}
