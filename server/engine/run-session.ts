/**
 * One run (or preview) over a plan: pull-based over pieces (a node's frames [a, b)). Asking for a piece resolves
 * its key from its inputs' output digests — a hit needs no upstream data, and a node that recomputes to the same
 * bytes stops the wave (early cutoff). The session owns what it computes: a piece's outputs go straight to its
 * readers and stay pinned, outside the memory budget, until the last reader the plan counted is done with them.
 * Nothing is computed twice because a cache tier let it go.
 */
import { setMaxListeners } from 'node:events';
import { AneloError, toAneloError, type ErrorCode } from '../../nodes/core/errors.ts';
import { warningText, type ExecutorEvent, type NodeReport } from '../../nodes/core/events.ts';
import type { Chunk, Services, StreamInfo } from '../../nodes/core/types.ts';
import type { ChunkCache } from './chunk-cache.ts';
import { chunkBytes, chunkDigest, chunkDigestSliced, concatChunks, DIGEST_FORMAT, leastChunkBytes, sliceChunk, unhashedBytes } from './chunk-codec.ts';
import { alignedPieces, inputWindow, pieceId, type Demand, type Piece } from './demand.ts';
import type { ActionEntry } from './disk-tier.ts';
import { canonicalJson, sha256 } from './hash.ts';
import { NodeTally } from './node-tally.ts';
import { prepareNode, type Plan, type PlannedNode } from './plan.ts';
import { frameCollector } from './pool/frame-collector.ts';
import { TASK_PRIORITY, type NodePool } from './pool/node-pool.ts';
import { toShared } from './pool/shared-chunk.ts';

/**
 * Chunks with at least this many bytes of frames nobody has hashed yet are hashed off the event loop: on the pool
 * when there is one, else a slice at a time with the loop turning in between. (Pool nodes' outputs and decoded frames
 * come with their frames' hashes, see chunk-codec.ts.)
 */
/**
 * The main thread holds every chunk of a run at some point (decoded frames it made, outputs the pool's threads send
 * back), and its heap can go a minute without a full collection: it collects every 64 MiB of frames its pieces made
 * (see frame-collector.ts). Frames waiting for that collection are most of what a long clip adds to a short one's
 * peak: a minute of 640x360 decode → encode peaked at 332–337 MB against 300–303 MB for 10 s with 64 MiB, 345–352
 * against 290–297 with 128, 351–397 against 296–305 with 256. A 48-frame 1080p render makes 8 collections on this
 * thread, 159 ms in all, at most 26 ms each (3 and 51 ms with 256).
 */
const mainThreadFrames = frameCollector(64 * 2 ** 20);

const BIG_DIGEST_BYTES = 4 * 2 ** 20;

/**
 * Bytes of chunks whose disk copies may still be on their way: past this, the node that made the next one waits for
 * earlier writes, so a disk slower than the pixel work holds the run back instead of filling memory with its queue.
 */
const WRITE_BEHIND_BYTES = 128 * 2 ** 20;

/** Whether a node's chunks are written to the disk tier. */
const chunksOnDisk = (node: PlannedNode): boolean => node.def.cache === 'disk';

/**
 * The identity of an output no cache tier keeps (see computeUncached): its action's key and port. Never a sha256 of
 * content (those are 64 hex digits), so no tier ever finds a chunk under it, and nothing reads it as a file name
 * (only 'memory' nodes, whose entries stay in memory, use it).
 */
const actionOutputId = (key: string, port: string): string => `out:${key}:${port}`;
/** Whether a node's action entries (which chunks it made) are: also for 'digests', whose chunks stay in memory. */
const actionsOnDisk = (node: PlannedNode): boolean => node.def.cache === 'disk' || node.def.cache === 'digests';

interface InputWindow {
  lo: number;
  hi: number;
  pieces: Piece[];
}

interface Resolved {
  key: string;
  entry: ActionEntry;
  inputs: Record<string, InputWindow>;
}

export interface SessionOptions {
  runId: string;
  plan: Plan;
  cache: ChunkCache;
  services: Services;
  chunkSize: number;
  signal: AbortSignal;
  emit: (e: ExecutorEvent) => void;
  /** 'run': chunk-aligned pieces, pinned per the demand plan. 'preview': the fewest frames, all kept until done. */
  mode: 'run' | 'preview';
  demand?: Demand;
  pool?: NodePool;
  /** Module the pool loads node definitions from, when they are not the shipped ones (tests). */
  poolDefinitions?: string;
  /** false: outputs holding frames are not cached (see RunOptions.cacheFrames). */
  cacheFrames?: boolean;
}

export class RunSession {
  readonly plan: Plan;
  readonly runId: string;
  readonly chunkSize: number;
  readonly tallies = new Map<string, NodeTally>();
  readonly warnings: string[] = [];
  /** The first failure; siblings cancelled because of it report it rather than a cancel. */
  failure?: AneloError;
  private readonly controller = new AbortController();
  private readonly resolved = new Map<string, Promise<Resolved>>();
  private readonly probed = new Map<string, Promise<Resolved | undefined>>();
  /** Nodes whose `prepare` this session has started (once each). */
  private readonly prepared = new Set<string>();
  /** Previews: frames each node must provide, and the pieces that provide them (see needsFor). */
  private previewNeeds?: Map<string, [number, number]>;
  private readonly previewPieces = new Map<string, Promise<Piece[] | undefined>>();
  private readonly computing = new Map<string, Promise<Record<string, Chunk>>>();
  private readonly held = new Map<string, Record<string, Chunk>>();
  /** Pieces of a run resolved from an action entry whose chunks are gone: their node is told when they are computed or let go. */
  private readonly keysOnly = new Set<string>();
  /** Inputs of a piece that resolved from cache: pinned until its own data is secured or no longer wanted. */
  private readonly pendingInputs = new Map<string, Record<string, InputWindow>>();
  /**
   * Pieces of source nodes (no inputs) being resolved, by node and piece, each with a turn that ends once it
   * has called its node's run or needs not. A source piece calls run only after every lower piece asked for before
   * it has had its turn: cache lookups finish in any order, and a decoder read that begins before the one ending
   * where it starts would seek with a decoder of its own (decoding again from the keyframe before it) instead of
   * continuing the one that read leaves.
   */
  private readonly sourceTurns = new Map<string, Map<string, { a: number; over: Promise<void>; end: () => void }>>();
  private readonly readers: Map<string, number>;
  private readonly warned = new Set<string>();
  private seq = 0;
  private readonly unlink: () => void;

  constructor(private readonly o: SessionOptions) {
    this.plan = o.plan;
    this.runId = o.runId;
    this.chunkSize = o.chunkSize;
    this.readers = new Map(o.demand?.readers ?? []);
    for (const [id, n] of o.plan.nodes) {
      this.tallies.set(id, new NodeTally(id, n.def.type, o.runId, o.demand?.frames.get(id) ?? 0, o.emit));
    }
    // Every pool task and ffmpeg process of the run listens on this one signal.
    setMaxListeners(0, this.controller.signal);
    const onAbort = (): void => this.controller.abort();
    if (o.signal.aborted) this.controller.abort();
    else o.signal.addEventListener('abort', onAbort, { once: true });
    this.unlink = () => o.signal.removeEventListener('abort', onAbort);
  }

  /** Aborted on cancel and on the first failure, so no work goes on for a run that has ended. */
  get signal(): AbortSignal {
    return this.controller.signal;
  }

  node(id: string): PlannedNode {
    const n = this.plan.nodes.get(id);
    if (!n) throw new AneloError('ANELO_E034_UNKNOWN_NODE', `no node "${id}" in the graph`, { nodeId: id });
    return n;
  }

  tally(id: string): NodeTally {
    return this.tallies.get(id)!;
  }

  /** The pieces of a run that cover frames [lo, hi) of a node (cut short at a segment's reach). */
  piecesOf(nodeId: string, lo: number, hi: number): Piece[] {
    return alignedPieces(this.node(nodeId), this.chunkSize, lo, hi, this.o.demand?.clip?.reach.get(nodeId));
  }

  /** Frames [lo, hi) of a node's output as one chunk, read as a planned reader: each piece is released after. */
  async read(nodeId: string, port: string, lo: number, hi: number): Promise<Chunk> {
    const pieces = this.piecesOf(nodeId, lo, hi);
    const chunk = await this.gather(pieces, port, lo, hi);
    for (const p of pieces) this.finish(p);
    return chunk;
  }

  /** One frame for a preview: from a cached chunk when there is one, else computed alone (its window at temporal nodes). */
  async previewFrame(nodeId: string, port: string, frame: number): Promise<Chunk> {
    const node = this.node(nodeId);
    const [aligned] = alignedPieces(node, this.chunkSize, frame, frame + 1);
    if (await this.available(aligned)) return sliceChunk(await this.data(aligned, port), frame, frame + 1);
    this.previewNeeds = this.needsFor(nodeId, frame);
    this.prepareIfComputing(node, [{ nodeId, a: frame, b: frame + 1 }]);
    return this.data({ nodeId, a: frame, b: frame + 1 }, port);
  }

  /**
   * A preview's node that will compute one of `pieces` loads what it needs (depth its model) now, beside the decode
   * its frames wait on, as a run's nodes do once it is planned. A piece an earlier preview left in the cache is found
   * by its key alone (no frame is decoded for it), so a preview served from the cache loads nothing.
   */
  private prepareIfComputing(node: PlannedNode, pieces: Piece[], exact = true): void {
    if (!node.def.prepare || pieces.length === 0 || this.prepared.has(node.id)) return;
    void (async () => {
      for (const q of pieces) {
        if (!(await this.probe(q, exact))) return this.prepare(node);
      }
    })().catch(() => {});
  }

  /** Starts a node's `prepare`, once per session; not waited for (see prepareNode). */
  private prepare(node: PlannedNode): void {
    if (!node.def.prepare || this.prepared.has(node.id)) return;
    this.prepared.add(node.id);
    void prepareNode(this.plan, node, this.o.services);
  }

  /**
   * A run's nodes that will compute load what they need (depth its model) now, beside the first decode, as soon as
   * their first piece is not found in the cache (a cold run: at once, since no decode is in the cache either). A run
   * that finds it there (a retune of smoothing or warp) loads no model: 0.5-0.9 s of CPU for FastDepth in a fresh
   * CLI process, seconds and hundreds of MB for a large model. A later piece that computes starts it then.
   */
  prepareComputing(nodeIds: Iterable<string>): void {
    for (const id of nodeIds) {
      const node = this.node(id);
      const first = this.o.demand?.first.get(id);
      if (first) this.prepareIfComputing(node, [first], false);
    }
  }

  /**
   * Frames each node must provide for one frame of `nodeId`: the union of its consumers' windows. Every consumer
   * then reads the same pieces of a node, so overlapping windows (depth, scenes and flow all reading decode) compute
   * those frames once.
   */
  private needsFor(nodeId: string, frame: number): Map<string, [number, number]> {
    const needs = new Map<string, [number, number]>([[nodeId, [frame, frame + 1]]]);
    for (const id of [...this.plan.order].reverse()) {
      const range = needs.get(id);
      if (!range) continue;
      const node = this.node(id);
      for (const [port, src] of Object.entries(node.inputs)) {
        const w = src && inputWindow(this.plan, node, port, range[0], range[1], undefined, true);
        if (!src || !w) continue;
        const had = needs.get(src.nodeId);
        needs.set(src.nodeId, had ? [Math.min(had[0], w[0]), Math.max(had[1], w[1])] : w);
      }
    }
    return needs;
  }

  /**
   * A node's pieces for this preview: cached chunks where there are, else the chunk-aligned pieces cut to its needed
   * frames. Pieces, not one span, so the stages stream: depth starts on the first chunk decode delivers, flow on the
   * first depth has made (decode's pieces continue one reader, see frame-reader.ts).
   */
  private previewPiecesOf(node: PlannedNode): Promise<Piece[] | undefined> {
    const need = this.previewNeeds?.get(node.id);
    if (!need) return Promise.resolve(undefined);
    let p = this.previewPieces.get(node.id);
    if (!p) {
      p = (async () => {
        const out: Piece[] = [];
        const cut: Piece[] = [];
        for (const q of alignedPieces(node, this.chunkSize, need[0], need[1])) {
          if (await this.available(q)) {
            out.push(q);
            continue;
          }
          cut.push({ nodeId: node.id, a: Math.max(q.a, need[0]), b: Math.min(q.b, need[1]) });
          out.push(cut[cut.length - 1]);
        }
        this.prepareIfComputing(node, cut);
        // A source's pieces are asked for in frame order, whichever consumer comes first: its reads then continue
        // one decoder. Asked for as consumers come (depth's middle piece before scene detection's earlier one), the
        // earlier piece found the decoder gone ahead and started one of its own, decoding again from the keyframe
        // (from frame 0 on a clip with one keyframe). Failures reach the consumers, which await the same pieces.
        if (Object.keys(node.inputs).length === 0) for (const q of out) this.resolve(q).catch(() => {});
        return out;
      })();
      this.previewPieces.set(node.id, p);
    }
    return p;
  }

  /**
   * Disk writes still running. A chunk's readers do not wait for its disk copy: 16 decoded 1080p frames (100 MB)
   * took 0.5 s to write, and depth waited on that before its first frame.
   */
  private readonly writes = new Set<Promise<void>>();
  /** Bytes of the chunks in `writes` not yet on disk (see WRITE_BEHIND_BYTES). */
  private writingBytes = 0;

  private behind(write: Promise<void>): void {
    this.writes.add(write);
    void write.finally(() => this.writes.delete(write));
  }

  /** Resolves once every cache write this session started has ended (never rejects: cache trouble is a warning). */
  async settle(): Promise<void> {
    while (this.writes.size > 0) await Promise.all([...this.writes]);
  }

  /** Releases everything this session still holds. */
  dispose(): void {
    this.held.clear();
    this.pendingInputs.clear();
    this.unlink();
  }

  fail(e: unknown, nodeId?: string): AneloError {
    const err = this.o.signal.aborted ? new AneloError('ANELO_E030_CANCELLED', 'run cancelled', { nodeId }) : toAneloError(e, { nodeId });
    if (!this.failure && err.code !== 'ANELO_E030_CANCELLED') this.failure = err;
    this.controller.abort();
    return this.failure ?? err;
  }

  throwIfAborted(nodeId?: string): void {
    if (this.signal.aborted) throw this.failure ?? new AneloError('ANELO_E030_CANCELLED', 'run cancelled', { nodeId });
  }

  /** A warning for the report and the event stream, once per session per kind: code, node and message (numbers aside). */
  warn(code: ErrorCode, message: string, nodeId?: string): void {
    const kind = code === 'ANELO_E037_CACHE_TROUBLE' ? code : `${code}/${nodeId ?? ''}/${message.replace(/\d+/g, '#')}`;
    if (this.warned.has(kind)) return;
    this.warned.add(kind);
    this.warnings.push(warningText({ code, message, nodeId }));
    this.o.emit({ type: 'run-warning', runId: this.runId, code, message, nodeId });
  }

  reports(): Record<string, NodeReport> {
    const out: Record<string, NodeReport> = {};
    for (const [id, t] of this.tallies) if (t.started) out[id] = t.toReport();
    return out;
  }

  // --- resolution: keys and action-cache lookups ------------------------------------------------------------

  private resolve(p: Piece): Promise<Resolved> {
    const id = pieceId(p);
    let r = this.resolved.get(id);
    if (!r) {
      r = this.resolveUncached(p);
      this.resolved.set(id, r);
    }
    return r;
  }

  private async resolveUncached(p: Piece): Promise<Resolved> {
    const node = this.node(p.nodeId);
    // Taken before anything is awaited: turns follow the order pieces are asked for.
    this.takeTurn(node, p);
    try {
      return await this.resolveInTurn(node, p);
    } finally {
      this.endTurn(node, p);
    }
  }

  private async resolveInTurn(node: PlannedNode, p: Piece): Promise<Resolved> {
    const inputs = await this.inputsOf(node, p);
    const key = await this.keyOf(node, p, inputs, async (q, port) => (await this.resolve(q)).entry.digests[port]);
    const id = pieceId(p);
    this.pendingInputs.set(id, inputs);
    const entry = node.def.cache === 'none' ? undefined : await this.cacheRead(() => this.o.cache.getAction(key, actionsOnDisk(node)));
    if (entry && this.o.mode === 'run' && !(await this.chunksKept(node, entry))) {
      // Its chunks are gone (evicted from memory, pruned from disk, or never written there: decoded frames keep only
      // their digests on disk) but its digests are known, so what follows looks itself up by them. Its node hears
      // nothing yet: the piece is computed if a reader needs its bytes (data), or counted as cached once the last
      // reader lets it go unread (finish). Taken as a hit, the node was reported cached and done before a read
      // computed it after all.
      this.keysOnly.add(id);
      return { key, entry, inputs };
    }
    if (entry) {
      this.servedFromCache(p);
      return { key, entry, inputs };
    }
    const resolved: Resolved = { key, entry: { digests: {}, ms: 0, nodeType: node.def.type }, inputs };
    await this.compute(p, resolved);
    this.pieceDone(node.id);
    return resolved;
  }

  /** Whether every chunk an action names is still in a cache tier (a chunk pruned after this check is computed when read). */
  private async chunksKept(node: PlannedNode, entry: ActionEntry): Promise<boolean> {
    for (const digest of Object.values(entry.digests)) if (!(await this.o.cache.hasChunk(digest, chunksOnDisk(node)))) return false;
    return true;
  }

  /**
   * Resolution from the action cache alone (computes nothing): how a preview finds chunks a run already made. With
   * `exact`, a preview's own pieces are looked up through the pieces it reads (those an earlier preview made).
   */
  private probe(p: Piece, exact = false): Promise<Resolved | undefined> {
    const id = `${pieceId(p)}${exact ? '/exact' : ''}`;
    let r = this.probed.get(id);
    if (!r) {
      r = (async () => {
        const node = this.node(p.nodeId);
        if (node.def.cache === 'none') return undefined;
        const inputs = await this.inputsOf(node, p, !exact);
        const digests = new Map<string, string>();
        for (const w of Object.values(inputs)) {
          for (const q of w.pieces) {
            const got = await this.probe(q, exact);
            if (!got) return undefined;
            for (const [port, d] of Object.entries(got.entry.digests)) digests.set(`${pieceId(q)}/${port}`, d);
          }
        }
        const key = await this.keyOf(node, p, inputs, async (q, port) => digests.get(`${pieceId(q)}/${port}`)!);
        const entry = await this.cacheRead(() => this.o.cache.getAction(key, actionsOnDisk(node)));
        return entry ? { key, entry, inputs } : undefined;
      })();
      this.probed.set(id, r);
    }
    return r;
  }

  /** True when a piece's outputs are all in a cache tier; they are then held for this session. */
  private async available(p: Piece): Promise<boolean> {
    const id = pieceId(p);
    if (this.held.has(id)) return true;
    const r = await this.probe(p);
    if (!r) return false;
    const node = this.node(p.nodeId);
    const outputs: Record<string, Chunk> = {};
    for (const [port, digest] of Object.entries(r.entry.digests)) {
      const c = await this.cacheRead(() => this.o.cache.getChunk(digest, chunksOnDisk(node), r.entry.ms));
      if (!c) return false;
      outputs[port] = c;
    }
    this.held.set(id, outputs);
    if (!this.resolved.has(id)) this.resolved.set(id, Promise.resolve(r));
    const t = this.tally(node.id);
    t.cacheHits++;
    t.start();
    return true;
  }

  /** The input windows a piece reads: whole chunks for runs; for previews, cached chunks where there are, else just the window. */
  private async inputsOf(node: PlannedNode, p: Piece, alignedOnly = false): Promise<Record<string, InputWindow>> {
    const out: Record<string, InputWindow> = {};
    for (const [port, src] of Object.entries(node.inputs)) {
      // A preview's own pieces read a temporal node's exact reach; a run's (and a probe for one) its whole window,
      // so its pieces and keys stay the same whatever a param does to the reach (a smaller radius reads no frame of
      // depth the last run of the same range did not make).
      const w = src && inputWindow(this.plan, node, port, p.a, p.b, this.o.demand?.clip?.cuts, this.o.mode === 'preview' && !alignedOnly);
      if (!src || !w) continue;
      const srcNode = this.node(src.nodeId);
      const aligned = this.piecesOf(src.nodeId, w[0], w[1]);
      let pieces = aligned;
      if (this.o.mode === 'preview' && !alignedOnly) {
        const planned = await this.previewPiecesOf(srcNode);
        if (planned) pieces = planned.filter((q) => q.b > w[0] && q.a < w[1]);
        else {
          pieces = [];
          for (const q of aligned) pieces.push((await this.available(q)) ? q : { nodeId: q.nodeId, a: Math.max(q.a, w[0]), b: Math.min(q.b, w[1]) });
        }
      }
      out[port] = { lo: w[0], hi: w[1], pieces };
    }
    return out;
  }

  private async keyOf(node: PlannedNode, p: Piece, inputs: Record<string, InputWindow>, digestOf: (q: Piece, port: string) => Promise<string>): Promise<string> {
    const keyed: Record<string, string[]> = {};
    // Every input at once: a preview's depth (depth thread) and scene cuts (pool) are computed side by side.
    await Promise.all(
      Object.entries(inputs).map(async ([port, w]) => {
        const srcPort = node.inputs[port]!.port;
        const digests = await Promise.all(w.pieces.map(async (q) => `${q.a}:${q.b}=${await digestOf(q, srcPort)}`));
        keyed[port] = [`${w.lo}:${w.hi}`, ...digests];
      }),
    );
    return sha256(canonicalJson({ node: node.staticKey, frames: [p.a, p.b], inputs: keyed, digests: DIGEST_FORMAT }));
  }

  // --- source order -----------------------------------------------------------------------------------------

  private isSource(node: PlannedNode): boolean {
    return !this.onPool(node) && Object.values(node.inputs).every((x) => !x);
  }

  private takeTurn(node: PlannedNode, p: Piece): void {
    if (!this.isSource(node)) return;
    let turns = this.sourceTurns.get(node.id);
    if (!turns) this.sourceTurns.set(node.id, (turns = new Map()));
    let end!: () => void;
    const over = new Promise<void>((r) => (end = r));
    turns.set(pieceId(p), { a: p.a, over, end });
  }

  /** Waits for the turns of the source's lower pieces asked for before this one (none wait on a higher piece). */
  private async awaitTurn(node: PlannedNode, p: Piece): Promise<void> {
    const turns = this.sourceTurns.get(node.id);
    if (!turns) return;
    const before = [...turns.values()].filter((t) => t.a < p.a).map((t) => t.over);
    if (before.length > 0) await Promise.all(before);
  }

  /** This piece's turn is over: its node's run has been called (a read in it has claimed its place), or never will be. */
  private endTurn(node: PlannedNode, p: Piece): void {
    const turns = this.sourceTurns.get(node.id);
    const id = pieceId(p);
    turns?.get(id)?.end();
    turns?.delete(id);
  }

  // --- data: held, cached or computed ------------------------------------------------------------------------

  /** A piece's output on `port`: held by this session, else from a cache tier, else computed (once). */
  private async data(p: Piece, port: string): Promise<Chunk> {
    const id = pieceId(p);
    const r = await this.resolve(p);
    const held = this.held.get(id)?.[port];
    if (held) return held;
    const digest = r.entry.digests[port];
    if (digest === undefined) throw new AneloError('ANELO_E034_UNKNOWN_NODE', `node "${p.nodeId}" has no output "${port}"`, { nodeId: p.nodeId, port });
    const node = this.node(p.nodeId);
    const hit = await this.cacheRead(() => this.o.cache.getChunk(digest, chunksOnDisk(node), r.entry.ms));
    if (hit) {
      if (this.o.pool) toShared(hit);
      if (this.wanted(id)) this.held.set(id, { ...this.held.get(id), [port]: hit });
      this.finishInputs(id);
      return hit;
    }
    // Its key is known but its bytes are gone (evicted, or a cache read failed): compute it, once.
    return (await this.compute(p, r))[port];
  }

  /** Frames [lo, hi) of `port` over consecutive pieces, as one chunk. */
  private async gather(pieces: Piece[], port: string, lo: number, hi: number): Promise<Chunk> {
    const parts = await Promise.all(pieces.map((q) => this.data(q, port)));
    const whole = concatChunks(parts);
    const n = whole.type === 'cuts' ? whole.flags.length : whole.frames.length;
    return whole.start === lo && n === hi - lo ? whole : sliceChunk(whole, lo, hi);
  }

  private compute(p: Piece, r: Resolved): Promise<Record<string, Chunk>> {
    const id = pieceId(p);
    let c = this.computing.get(id);
    if (!c) {
      // Forgotten once done: the outputs live on in `held` exactly as long as readers need them, no longer.
      c = this.computeUncached(p, r).finally(() => this.computing.delete(id));
      this.computing.set(id, c);
    }
    return c;
  }

  private async computeUncached(p: Piece, r: Resolved): Promise<Record<string, Chunk>> {
    const node = this.node(p.nodeId);
    const tally = this.tally(node.id);
    // Loads what the node needs while its inputs are gathered, if nothing has started it (prepareComputing).
    this.prepare(node);
    try {
      const inputs: Record<string, Chunk | undefined> = {};
      const inputInfo: Record<string, StreamInfo | undefined> = {};
      for (const [port, src] of Object.entries(node.inputs)) {
        if (!src) continue;
        inputInfo[port] = this.node(src.nodeId).info[src.port];
        const w = r.inputs[port];
        if (w) inputs[port] = await this.gather(w.pieces, src.port, w.lo, w.hi);
      }
      if (this.isSource(node)) await this.awaitTurn(node, p);
      this.throwIfAborted(node.id);
      if (!node.def.run) throw new AneloError('ANELO_E099_INTERNAL', `node "${node.id}" (${node.def.type}) cannot produce frames`, { nodeId: node.id });
      tally.start();
      const seq = ++this.seq;
      const t0 = performance.now();
      const running = this.onPool(node) ? this.runOnPool(node, p, inputs, inputInfo, seq) : this.runHere(node, p, inputs, inputInfo, seq);
      // A source's run has started its read, synchronously (see FrameReaderPool.read): the next piece may start its own.
      this.endTurn(node, p);
      const outputs = await running;
      const ms = performance.now() - t0;
      const persistent = chunksOnDisk(node);
      const cached = node.def.cache !== 'none' && (this.o.cacheFrames !== false || !Object.values(outputs).some((c) => c.type === 'frames'));
      const digests: Record<string, string> = {};
      const blobs: Promise<void>[] = [];
      for (const [port, chunk] of Object.entries(outputs)) {
        // A chunk no tier will keep is never looked up by its content: what reads it is keyed by this action's key
        // instead, which names the same bytes (pixel nodes give the same bytes for the same key). `anelo run` keeps
        // no such chunk (see ChunkCache's oneRun) and 1080p warp chunks outgrow the memory tier: hashing them cost
        // ~1 GB of sha256 per 48 frames of 1080p for nothing.
        if (node.def.cache === 'memory' && !(cached && this.o.cache.memory.wouldKeep(chunkBytes(chunk)))) {
          digests[port] = actionOutputId(r.key, port);
          continue;
        }
        // Hashing a chunk of big frames in one go would stall the event loop for tens of ms.
        const big = unhashedBytes(chunk) >= BIG_DIGEST_BYTES;
        digests[port] = !big ? chunkDigest(chunk) : this.o.pool ? await this.o.pool.digest(chunk, this.signal) : await chunkDigestSliced(chunk);
        // In the memory tier at once; the disk copy is written behind the readers (see settle).
        if (cached) {
          const bytes = persistent ? chunkBytes(chunk) : 0;
          this.writingBytes += bytes;
          blobs.push(this.cacheWrite(() => this.o.cache.putChunk(digests[port], chunk, ms, persistent)).finally(() => (this.writingBytes -= bytes)));
        }
      }
      r.entry = { digests, ms, nodeType: node.def.type };
      // The action's disk entry follows the blobs it names, so no entry ever points at a blob not yet written (a
      // 'digests' node's entry names chunks that stay in memory: a later process computes them if it reads them).
      if (cached) this.behind(this.cacheWrite(() => this.o.cache.putAction(r.key, r.entry, actionsOnDisk(node), Promise.all(blobs))));
      while (this.writingBytes > WRITE_BEHIND_BYTES && this.writes.size > 0) await Promise.race(this.writes);
      tally.ms += ms;
      tally.computedFrames += p.b - p.a;
      tally.provide(p.b - p.a, `${seq}`);
      const id = pieceId(p);
      if (this.keysOnly.delete(id)) this.pieceDone(node.id);
      if (this.wanted(id)) this.held.set(id, outputs);
      this.finishInputs(id);
      mainThreadFrames.saw(Object.values(outputs).reduce((n, c) => n + chunkBytes(c), 0));
      return outputs;
    } catch (e) {
      throw this.fail(nodeError(e, node), node.id);
    }
  }

  /** Where a computation from frame `a` on stands in line for shared threads (the pool's, the depth threads'). */
  private priority(a: number): number {
    return this.o.mode === 'preview' ? TASK_PRIORITY.preview(a) : TASK_PRIORITY.run(a);
  }

  /**
   * Whether a cache tier may keep this node's chunks of `frames` frames, so their content digests may be wanted: not
   * a 'memory' node's whose every output is larger than the whole memory tier (any of them with no memory tier, as in
   * `anelo run`; a 1080p warp or refine chunk in the server's 128 MiB), whose outputs are then named by their action
   * (see computeUncached). The sizes are those the chunks cannot be smaller than, so nothing a tier keeps goes unhashed.
   */
  private mayKeep(node: PlannedNode, frames: number): boolean {
    if (node.def.cache !== 'memory') return true;
    const memory = this.o.cache.memory;
    return Object.values(node.info).some((info) => memory.wouldKeep(leastChunkBytes(info, frames)));
  }

  private onPool(node: PlannedNode): boolean {
    return !!this.o.pool && node.def.threads === 'pool';
  }

  private runHere(node: PlannedNode, p: Piece, inputs: Record<string, Chunk | undefined>, inputInfo: Record<string, StreamInfo | undefined>, seq: number): Promise<Record<string, Chunk>> {
    const tally = this.tally(node.id);
    return node.def.run!({
      nodeId: node.id,
      params: node.params,
      start: p.a,
      end: p.b,
      info: node.info,
      inputInfo,
      inputs,
      services: this.o.services,
      signal: this.signal,
      priority: this.priority(p.a),
      progress: (done) => tally.partialProgress(`${seq}`, done),
      stat: (name, value, frames = 1) => tally.stat(name, value, frames),
      warn: (message) => this.warn('ANELO_E038_NODE_WARNING', message, node.id),
    });
  }

  /** Splits the piece over the pool's threads (any chunking gives the same bytes) and joins the outputs. */
  private async runOnPool(node: PlannedNode, p: Piece, inputs: Record<string, Chunk | undefined>, inputInfo: Record<string, StreamInfo | undefined>, seq: number): Promise<Record<string, Chunk>> {
    const pool = this.o.pool!;
    const tally = this.tally(node.id);
    for (const c of Object.values(inputs)) if (c) toShared(c);
    const n = p.b - p.a;
    // Each part recomputes the node's window around it: split only while a part stays at least as long as the
    // window, so a temporal node (36 frames of window around a 16-frame chunk) is not recomputed 5x over; other
    // chunks in flight keep the threads busy instead.
    const span = node.window.before + node.window.after;
    const parts = Math.max(1, Math.min(pool.size, n, span > 0 ? Math.floor(n / span) : n));
    const bounds: [number, number][] = [];
    for (let k = 0; k < parts; k++) bounds.push([p.a + Math.floor((n * k) / parts), p.a + Math.floor((n * (k + 1)) / parts)]);
    const results = await Promise.all(
      bounds.map(([a, b], k) => {
        const sub: Record<string, Chunk | undefined> = {};
        for (const [port, c] of Object.entries(inputs)) {
          const w = c && inputWindow(this.plan, node, port, a, b, this.o.demand?.clip?.cuts, this.o.mode === 'preview');
          sub[port] = c && w ? sliceChunk(c, w[0], w[1]) : c;
        }
        return pool.runNode({
          priority: this.priority(a),
          definitionsModule: this.o.poolDefinitions,
          type: node.def.type,
          nodeId: node.id,
          params: node.params,
          start: a,
          end: b,
          info: node.info,
          inputInfo,
          inputs: sub,
          hashOutputs: this.mayKeep(node, n),
          signal: this.signal,
          onProgress: (done) => tally.partialProgress(`${seq}/${k}`, done),
        });
      }),
    );
    for (const r of results) for (const [name, value, frames] of r.stats) tally.stat(name, value, frames);
    for (const r of results) for (const message of r.warnings) this.warn('ANELO_E038_NODE_WARNING', message, node.id);
    const outputs: Record<string, Chunk> = {};
    for (const port of Object.keys(results[0].outputs)) outputs[port] = concatChunks(results.map((r) => r.outputs[port]));
    return outputs;
  }

  // --- lifetimes ---------------------------------------------------------------------------------------------

  /** Whether anyone will still read this piece in this session. */
  private wanted(id: string): boolean {
    return this.o.mode === 'preview' || (this.readers.get(id) ?? 0) > 0;
  }

  /** A reader is done with a piece; the last one releases it (and what it still pinned). */
  private finish(p: Piece): void {
    if (this.o.mode === 'preview') return;
    const id = pieceId(p);
    const left = (this.readers.get(id) ?? 0) - 1;
    if (left > 0) {
      this.readers.set(id, left);
      return;
    }
    this.readers.delete(id);
    this.held.delete(id);
    if (this.keysOnly.has(id) && !this.computing.has(id)) this.unread(p);
    this.finishInputs(id);
  }

  /** A piece known by its digests alone that no reader needed: it counts as cached for its node. */
  private unread(p: Piece): void {
    this.keysOnly.delete(pieceId(p));
    this.servedFromCache(p);
  }

  /** Tells a piece's node it came from the cache: a hit, its frames provided, one more piece resolved. */
  private servedFromCache(p: Piece): void {
    const tally = this.tally(p.nodeId);
    tally.cacheHits++;
    // Cached before started: a client never shows a node fed from the cache as running, even for one frame.
    this.o.emit({ type: 'node-cached', runId: this.runId, nodeId: p.nodeId, frames: p.b - p.a });
    tally.start();
    tally.provide(p.b - p.a);
    this.pieceDone(p.nodeId);
  }

  /** A piece's own data is secured (computed, or found in a tier), so the inputs it pinned can go. */
  private finishInputs(id: string): void {
    const inputs = this.pendingInputs.get(id);
    if (!inputs) return;
    this.pendingInputs.delete(id);
    for (const w of Object.values(inputs)) for (const q of w.pieces) this.finish(q);
  }

  private pieceDone(nodeId: string): void {
    const t = this.tally(nodeId);
    t.resolvedPieces++;
    if (this.o.demand && t.resolvedPieces >= (this.o.demand.pieces.get(nodeId) ?? Infinity)) t.finish();
  }

  private async cacheRead<T>(read: () => Promise<T | undefined>): Promise<T | undefined> {
    try {
      return await read();
    } catch (e) {
      this.warn('ANELO_E037_CACHE_TROUBLE', `cache read failed, computing instead: ${(e as Error).message}`);
      return undefined;
    }
  }

  private async cacheWrite(write: () => Promise<void>): Promise<void> {
    try {
      await write();
    } catch (e) {
      this.warn('ANELO_E037_CACHE_TROUBLE', `cache write failed, the run goes on uncached: ${(e as Error).message}`);
    }
  }
}

function nodeError(e: unknown, node: PlannedNode): AneloError {
  const err = toAneloError(e, { nodeId: node.id });
  if (err.code === 'ANELO_E099_INTERNAL') {
    return new AneloError('ANELO_E031_NODE_FAILED', `node "${node.id}" (${node.def.type}) failed: ${err.message}`, { nodeId: node.id }, undefined, e);
  }
  if (!err.where.nodeId) (err.where as { nodeId?: string }).nodeId = node.id;
  return err;
}
