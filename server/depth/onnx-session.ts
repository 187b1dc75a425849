/**
 * The one module that imports onnxruntime-node. Everything else sees `DepthSession`, a small typed interface
 * that tests can fake. Sessions are pooled: one per (model file sha256, provider, threads), created once
 * (loading a 100 MB model takes about a second) and reused by every chunk and every run in the process.
 */
import ort from 'onnxruntime-node';
import type { InferenceSession } from 'onnxruntime-node';
import { AneloError } from '../../nodes/core/errors.ts';
import { decodeFloat16 } from '../../nodes/lib/float16.ts';

export type Provider = 'cpu' | 'cuda';

/** What the model file declares about one input or output; symbolic dims are strings, unknown shape is []. */
export interface TensorMeta {
  name: string;
  type: string;
  shape: ReadonlyArray<number | string>;
}

export interface SessionRequest {
  path: string;
  sha256: string;
  provider: Provider;
  /** Intra-op threads; 0 lets onnxruntime choose (one per physical core). Never changes results. */
  threads: number;
}

export interface DepthSession {
  readonly inputs: readonly TensorMeta[];
  readonly outputs: readonly TensorMeta[];
  /** Runs one float32 input and returns one output as float32 (float16 outputs are widened). */
  run(input: string, data: Float32Array, dims: readonly number[], output: string): Promise<{ data: Float32Array; dims: number[] }>;
  /** Frees the session's native memory; it must not run again. */
  release?(): Promise<void>;
}

function metaOf(list: readonly InferenceSession.ValueMetadata[], names: readonly string[]): TensorMeta[] {
  return names.map((name) => {
    const m = list.find((x) => x.name === name);
    return m && m.isTensor ? { name, type: m.type, shape: m.shape } : { name, type: m ? 'non-tensor' : 'unknown', shape: [] };
  });
}

function wrap(session: InferenceSession): DepthSession {
  return {
    inputs: metaOf(session.inputMetadata ?? [], session.inputNames),
    outputs: metaOf(session.outputMetadata ?? [], session.outputNames),
    async run(input, data, dims, output) {
      const result = await session.run({ [input]: new ort.Tensor('float32', data, dims as number[]) }, [output]);
      const t = result[output];
      const values = t.data;
      const out = values instanceof Float32Array ? values : values instanceof Uint16Array && t.type === 'float16' ? decodeFloat16(values) : Float32Array.from(values as ArrayLike<number>);
      return { data: out, dims: [...t.dims] };
    },
    release: () => session.release(),
  };
}

async function create(req: SessionRequest): Promise<DepthSession> {
  const options: InferenceSession.SessionOptions = {
    executionProviders: [req.provider],
    graphOptimizationLevel: 'all',
    interOpNumThreads: 1,
    ...(req.threads > 0 ? { intraOpNumThreads: req.threads } : {}),
    // onnxruntime's threads spin after each run by default, waiting for the next; here inference alternates with
    // decode, pool work and x264 on the same cores, and the spinning took the CPU they needed (30 FastDepth runs
    // 15 ms apart: 1.4 s of CPU spinning, 0.6 s without).
    extra: { session: { intra_op: { allow_spinning: '0' }, inter_op: { allow_spinning: '0' } } },
  };
  try {
    return wrap(await ort.InferenceSession.create(req.path, options));
  } catch (e) {
    const msg = (e as Error).message;
    if (req.provider === 'cuda') {
      throw new AneloError(
        'ANELO_E046_PROVIDER',
        `The CUDA execution provider is not available (${msg}). onnxruntime-node ships CPU only; install its CUDA 12 provider ` +
          'libraries (see "CUDA" in docs/models.md) with a CUDA 12 + cuDNN 9 runtime on the machine, or set provider to "cpu".',
        { param: 'provider', file: req.path },
        undefined,
        e,
      );
    }
    throw new AneloError('ANELO_E045_MODEL_LOAD', `onnxruntime could not load ${req.path}: ${msg}`, { param: 'model', file: req.path }, undefined, e);
  }
}

/** Execution providers this onnxruntime-node build can try ('cuda' needs the extra provider libraries). */
export function availableProviders(): { name: string; bundled: boolean }[] {
  return ort.listSupportedBackends().map((b) => ({ name: b.name, bundled: b.bundled }));
}

/** One session per (sha256, provider, threads), created on first use. A failed creation is not cached. */
export class SessionPool {
  private readonly sessions = new Map<string, Promise<DepthSession>>();

  private static key(req: SessionRequest): string {
    return `${req.sha256}|${req.provider}|${req.threads}`;
  }

  get(req: SessionRequest): Promise<DepthSession> {
    const key = SessionPool.key(req);
    let s = this.sessions.get(key);
    if (!s) {
      s = create(req);
      this.sessions.set(key, s);
      s.catch(() => this.sessions.delete(key));
    }
    return s;
  }

  /** Whether a session for `req` is there or being created. */
  has(req: SessionRequest): boolean {
    return this.sessions.has(SessionPool.key(req));
  }

  /** Forgets and frees the session for `req`, if there is one: the caller knows no run of it is in flight. */
  async release(req: SessionRequest): Promise<void> {
    const key = SessionPool.key(req);
    const s = this.sessions.get(key);
    if (!s) return;
    this.sessions.delete(key);
    const session = await s.catch(() => undefined);
    await session?.release?.();
  }

  /** Sessions created so far (for tests and diagnostics). */
  get size(): number {
    return this.sessions.size;
  }

  clear(): void {
    this.sessions.clear();
  }
}

/** The process-wide pool used unless a caller brings its own. */
export const sharedSessionPool = new SessionPool();
