/**
 * The DepthService the executor hands to depth nodes: resolves the model, keeps one onnxruntime session per
 * (model, provider, threads), and turns RGB24 frames into float16-rounded disparity at model resolution.
 */
import { createHash } from 'node:crypto';
import { AneloError } from '../../nodes/core/errors.ts';
import type { AnalysisView, DepthResult, DepthService, ModelLoadEvent } from '../../nodes/core/types.ts';
import { depthStats } from '../../nodes/lib/depth-stats.ts';
import { analysisLut, applyLut } from '../../nodes/lib/sdr-view.ts';
import { checkModelIo, type ModelIo } from './check-model-io.ts';
import { readDepthParams, type DepthParams } from './depth-params.ts';
import { modelInputSize } from './model-input-size.ts';
import { ModelStore, type ResolvedModel } from './model-store.ts';
import { ModelLoads } from './model-loads.ts';
import { sharedSessionPool, type DepthSession, type SessionPool, type SessionRequest } from './onnx-session.ts';
import { checkFiniteOutput } from './check-finite-output.ts';
import type { ThreadClock } from './intra-op-choice.ts';
import { postprocessOutput } from './postprocess.ts';
import { preprocessFrames, shrinkForModel } from './preprocess.ts';

/** Bump when preprocessing or postprocessing changes results: it is part of every depth cache key. */
// 2: frames are resized by libvips (server/media/vips-image.ts) and rounded to bytes before the value scale.
// 3: pixels a depth model gives no depth (<= epsilon) take their neighbours' (postprocess.ts, fillUnanswered).
const PIPELINE_VERSION = 3;

/** Collects the CPU time the model's runs took on the calling thread (the preprocessing and the rest left out). */
export interface InferenceMeter {
  clock: ThreadClock;
  cpuMs?: number;
}

export interface OnnxDepthServiceOptions {
  store?: ModelStore;
  pool?: SessionPool;
  /** Most frames per run for models with a dynamic batch dimension (memory: N x 3 x H x W floats). */
  maxBatch?: number;
  /**
   * onnxruntime's intra-op threads for a node whose `threads` is 0 (auto). Unset: onnxruntime's own default, a thread
   * per core. `--workers 0` sets 1: everything on the main thread, as it says.
   */
  autoThreads?: number;
}

const shortHash = (v: unknown): string => createHash('sha256').update(JSON.stringify(v)).digest('hex').slice(0, 16);

export class OnnxDepthService implements DepthService {
  readonly store: ModelStore;
  private readonly pool: SessionPool;
  private readonly maxBatch: number;
  private readonly autoThreads: number;
  private readonly checked = new WeakMap<DepthSession, Map<string, ModelIo>>();
  private readonly loads = new ModelLoads();

  constructor(opts: OnnxDepthServiceOptions = {}) {
    this.store = opts.store ?? new ModelStore();
    this.pool = opts.pool ?? sharedSessionPool;
    this.maxBatch = Math.max(1, opts.maxBatch ?? 4);
    this.autoThreads = Math.max(0, opts.autoThreads ?? 0);
  }

  /** The session's intra-op threads: the node's, else this service's auto choice (0: onnxruntime's default). */
  private threadsFor(p: DepthParams): number {
    return p.threads > 0 ? p.threads : this.autoThreads;
  }

  /**
   * Model file sha256 + provider + size rule + precision + the manifest's I/O contract (a different mean/std
   * changes results with the same weights). Threads are left out: they never change results.
   */
  async modelKey(params: Record<string, unknown>): Promise<string> {
    const p = readDepthParams(params);
    const r = await this.store.resolve(p.model, p.precision);
    const size = r.manifest.input.size;
    const rule = size.mode === 'fixed' ? `fixed${p.inputSize || `${size.width}x${size.height}`}` : `${size.side}${p.inputSize || size.target}m${size.multipleOf}`;
    // Only the manifest fields that change numbers: the same weights named two ways share cache entries.
    const { input: i, output: o } = r.manifest;
    const contract = shortHash([i.channels, i.size, i.resize, i.scale, i.mean, i.std, o.kind, o.nearIs, o.kind === 'depth' ? (o.epsilon ?? 1e-3) : 0]);
    return `depth-v${PIPELINE_VERSION}:${r.sha256}:${p.provider}:${rule}:${r.precision}:${contract}`;
  }

  async outputSize(params: Record<string, unknown>, width: number, height: number): Promise<{ width: number; height: number }> {
    const p = readDepthParams(params);
    const r = await this.store.resolve(p.model, p.precision);
    return modelInputSize(r.manifest.input, width, height, p.inputSize);
  }

  async prepare(params: Record<string, unknown>): Promise<void> {
    const p = readDepthParams(params);
    const r = await this.store.resolve(p.model, p.precision);
    const req = this.sessionRequest(r, p);
    await this.loads.track(p.model, JSON.stringify(req), this.pool.has(req), () => this.prepareResolved(r, p));
  }

  onModelLoad(fn: (e: ModelLoadEvent) => void): () => void {
    return this.loads.on(fn);
  }

  private sessionRequest(r: ResolvedModel, p: DepthParams): SessionRequest {
    return { path: r.path, sha256: r.sha256, provider: p.provider, threads: this.threadsFor(p) };
  }

  /** Loads the session `inferResolved` would use for `r` and `p` (a depth thread's part of prepare). */
  async prepareResolved(r: ResolvedModel, p: DepthParams): Promise<void> {
    await this.session(r, p);
  }

  /** Frees the session `inferResolved` would use for `r` and `p` (a depth thread's probe session, see intra-op-choice.ts). */
  releaseResolved(r: ResolvedModel, p: DepthParams): Promise<void> {
    return this.pool.release(this.sessionRequest(r, p));
  }

  async infer(
    params: Record<string, unknown>,
    frames: Uint8Array[],
    width: number,
    height: number,
    signal?: AbortSignal,
    view?: AnalysisView,
  ): Promise<DepthResult> {
    const p = readDepthParams(params);
    const r = await this.store.resolve(p.model, p.precision);
    const size = modelInputSize(r.manifest.input, width, height, p.inputSize);
    const shrunk = await shrinkForModel(frames, width, height, size.width, size.height);
    return this.inferResolved(r, p, [...shrunk.frames], width, height, signal, shrunk, view);
  }

  /**
   * `infer` for a model already resolved (a depth thread gets it resolved from the main thread's store), of a
   * width x height source whose frames are given at `at` (the source size, or the model's after shrinkForModel).
   * An HDR `view` maps the frames (already at the model's size where they were shrunk) before the model sees them.
   */
  async inferResolved(
    r: ResolvedModel,
    p: DepthParams,
    frames: Uint8Array[],
    width: number,
    height: number,
    signal?: AbortSignal,
    at = { width, height },
    view?: AnalysisView,
    meter?: InferenceMeter,
  ): Promise<DepthResult> {
    const { session, io } = await this.session(r, p);
    const size = modelInputSize(r.manifest.input, width, height, p.inputSize);
    if (io.fixedSize && (io.fixedSize.width !== size.width || io.fixedSize.height !== size.height)) {
      throw new AneloError(
        'ANELO_E042_MODEL_MANIFEST',
        `${r.path} takes a fixed ${io.fixedSize.width}x${io.fixedSize.height} input; inputSize ${p.inputSize} asks for ${size.width}x${size.height}`,
        { param: 'inputSize', file: r.path },
      );
    }
    const expected = at.width * at.height * 3;
    for (const f of frames) {
      if (f.length !== expected) throw new AneloError('ANELO_E099_INTERNAL', `A frame has ${f.length} bytes, expected ${at.width}x${at.height}x3 = ${expected}`);
    }
    const batch = io.batchDynamic ? this.maxBatch : 1;
    const lut = view ? analysisLut(view) : undefined;
    const out: Float32Array[] = [];
    let tensor = new Float32Array(0);
    for (let i = 0; i < frames.length; i += batch) {
      if (signal?.aborted) throw new AneloError('ANELO_E030_CANCELLED', 'Run cancelled');
      // Mapped copies: unshrunk frames are the decoded ones, which other stages read as they are.
      const group = frames.slice(i, i + batch).map((f) => (lut ? applyLut(f, lut) : f));
      const len = group.length * 3 * size.width * size.height;
      // One buffer reused across batches; the last (shorter) batch uses a view of it.
      if (tensor.length < len) tensor = new Float32Array(len);
      const input = preprocessFrames(group, at.width, at.height, size.width, size.height, r.manifest.input, tensor.subarray(0, len));
      const dims = [group.length, 3, size.height, size.width];
      const c0 = meter?.clock();
      const res = await session.run(r.manifest.input.name, input, dims, r.manifest.output.name);
      const c1 = meter?.clock();
      if (meter && c0 !== undefined && c1 !== undefined) meter.cpuMs = (meter.cpuMs ?? 0) + c1 - c0;
      const d = res.dims;
      const spatialOk = d[d.length - 1] === size.width && d[d.length - 2] === size.height;
      if (d[0] !== group.length || !spatialOk || res.data.length !== group.length * size.width * size.height) {
        throw new AneloError(
          'ANELO_E042_MODEL_MANIFEST',
          `${r.path}: output "${r.manifest.output.name}" came back [${d.join(',')}] for input [${dims.join(',')}]; expected ${group.length} map(s) of ${size.width}x${size.height}`,
          { param: 'model', file: r.path },
        );
      }
      checkFiniteOutput(res.data, { id: r.manifest.id, path: r.path });
      out.push(...postprocessOutput(res.data, group.length, size.width, size.height, r.manifest.output));
    }
    return { width: size.width, height: size.height, frames: out, stats: out.map((f) => depthStats(f)) };
  }

  /** The pooled session for this model, checked against its manifest once per (session, manifest). */
  private async session(r: ResolvedModel, p: DepthParams): Promise<{ session: DepthSession; io: ModelIo }> {
    const session = await this.pool.get(this.sessionRequest(r, p));
    let byManifest = this.checked.get(session);
    if (!byManifest) this.checked.set(session, (byManifest = new Map()));
    const key = `${r.path}|${JSON.stringify([r.manifest.input, r.manifest.output])}`;
    let io = byManifest.get(key);
    if (!io) {
      io = checkModelIo(r.manifest, session, r.path);
      byManifest.set(key, io);
    }
    return { session, io };
  }
}
