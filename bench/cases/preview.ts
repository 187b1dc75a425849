/**
 * Preview latency through the server: POST /api/preview for `warp` at one frame, on an app built in-process
 * (buildServer + app.inject). Cold = nothing cached for that frame's chunks; warm upstream = after changing
 * warp.divergence, so only warp recomputes; cached = the same request again.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { modelSearchDirs } from '../../server/depth/model-dirs.ts';
import { buildServer } from '../../server/http/build-server.ts';
import type { BenchContext } from '../lib/context.ts';
import { figure, ratio, type CaseResult } from '../lib/figures.ts';
import { defaultGraphJson, mergeOverrides, type Overrides } from '../lib/graphs.ts';
import { warmDepth } from '../lib/run-graph.ts';

interface PreviewTiming {
  wallMs: number;
  serverMs: number;
  cached: boolean;
  status: number;
  bytes: number;
  /** Frames each node computed for this preview (the x-anelo-computed header). */
  computed: Record<string, number>;
}

async function preview(app: FastifyInstance, graph: unknown, input: string, frame: number): Promise<PreviewTiming> {
  const t0 = performance.now();
  const res = await app.inject({ method: 'POST', url: '/api/preview', payload: { graph, input, nodeId: 'warp', frame } });
  const wallMs = performance.now() - t0;
  if (res.statusCode !== 200) throw new Error(`POST /api/preview answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
  if (res.headers['content-type'] !== 'image/png') throw new Error(`POST /api/preview answered ${res.headers['content-type']}, not a PNG`);
  return { wallMs, serverMs: Number(res.headers['x-anelo-ms']), cached: res.headers['x-anelo-cached'] === '1', status: res.statusCode, bytes: res.rawPayload.length, computed: JSON.parse(String(res.headers['x-anelo-computed'] ?? '{}')) };
}

/** The id the server knows a model file by, after putting its folder on ANELO_MODELS_DIR if it is not there yet. */
function modelId(file: string): string {
  const dir = path.dirname(file);
  if (!modelSearchDirs().includes(path.resolve(dir))) process.env.ANELO_MODELS_DIR = [dir, process.env.ANELO_MODELS_DIR].filter(Boolean).join(path.delimiter);
  return path.basename(file, '.onnx');
}

export async function previewCase(ctx: BenchContext): Promise<CaseResult> {
  const dataDir = ctx.newDir('server-data');
  const clientDir = path.join(dataDir, 'client');
  mkdirSync(clientDir);
  const app = await buildServer({
    logs: false,
    dataDir,
    clientDir,
    cacheDir: ctx.newDir('server-cache'),
    sampleMediaDir: path.dirname(ctx.media(ctx.sizes.clip)),
  });
  try {
    await app.ready();
    const input = ctx.sizes.clip;
    // The server binds decode to the named media; the frame limit and the model stay graph params. A request names
    // a model by id (never a path), so the bench model's folder joins the server's search path.
    const base: Overrides = { decode: { end: ctx.sizes.clipFrames }, depth: { ...ctx.depthParams(), model: modelId(ctx.model.model) } };
    const graph = defaultGraphJson(base);
    const { frame, warmupFrame } = ctx.sizes.preview;
    await warmDepth(ctx, ctx.depthParams());
    // Warm-up far away from the measured frame: loads the server's own session and code paths, shares no chunk.
    ctx.log(`preview: warm-up at frame ${warmupFrame}, then warp at frame ${frame}`);
    const warmup = await preview(app, graph, input, warmupFrame);
    const cold = await preview(app, graph, input, frame);
    const retuned = await preview(app, defaultGraphJson(mergeOverrides(base, { warp: { divergence: 3 } })), input, frame);
    const again = await preview(app, defaultGraphJson(mergeOverrides(base, { warp: { divergence: 3 } })), input, frame);
    return {
      figures: [
        figure('cold preview (warp)', cold.wallMs, { unit: 'ms', digits: 0 }),
        figure('preview after warp change (upstream cached)', retuned.wallMs, { unit: 'ms', digits: 0 }),
        figure('upstream-cached / cold', ratio(retuned.wallMs, cold.wallMs)),
        figure('same preview again (all cached)', again.wallMs, { unit: 'ms', digits: 0 }),
      ],
      details: { route: 'POST /api/preview via app.inject()', input, frame, warmupFrame, model: ctx.model.description, warmup, cold, retuned, again },
      notes: [
        'A preview computes only the requested frame at every node on the way, and the smoothing window upstream of the temporal node (x-anelo-computed says exactly what).',
      ],
    };
  } finally {
    await app.close();
  }
}
