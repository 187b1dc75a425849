/** depth: RGB frames → raw disparity (near = larger) at model resolution, from a registry model or your own .onnx. */
import { Type } from '@sinclair/typebox';
import { AneloError, isAneloError } from './core/errors.ts';
import { defineNode, type DepthChunk, type DepthResult, type DepthService, type FramesChunk } from './core/types.ts';
import { depthStats } from './lib/depth-stats.ts';
import { analysisView, analysisViewKey } from './lib/sdr-view.ts';

const params = Type.Object({
  model: Type.String({
    default: 'depth-anything-v2-small',
    minLength: 1,
    title: 'Model',
    description: 'A model id from `anelo models list`, or a path to an .onnx file with a sidecar .json manifest',
    ui: { widget: 'model' },
  }),
  inputSize: Type.Integer({
    default: 0,
    minimum: 0,
    maximum: 2048,
    title: 'Input size',
    description: "Short side (or fixed side) the model sees; 0 = the model's default. Larger: finer detail, slower",
    ui: { widget: 'number', step: 14, advanced: true },
  }),
  provider: Type.Union([Type.Literal('cpu'), Type.Literal('cuda')], {
    default: 'cpu',
    title: 'Run on',
    description: 'cuda needs the onnxruntime CUDA provider libraries (docs/models.md)',
    ui: { widget: 'select', advanced: true },
  }),
  threads: Type.Integer({ default: 0, minimum: 0, maximum: 256, title: 'Threads', description: 'onnxruntime CPU threads per depth thread; 0 = the cores shared between the depth threads, or one for a model whose frames cost little on one (measured on its first frames)', ui: { widget: 'number', advanced: true } }),
  precision: Type.Union([Type.Literal('auto'), Type.Literal('fp32'), Type.Literal('int8')], {
    default: 'auto',
    title: 'Precision',
    description: 'Which file of the model to use; auto takes the installed one (fp32 first)',
    ui: { widget: 'select', advanced: true },
  }),
});

/** Re-throws a service error with this node's id, so the editor can point at the node. */
function withNode(e: unknown, nodeId: string): never {
  if (isAneloError(e)) throw new AneloError(e.code, e.message, { ...e.where, nodeId }, e.details, e);
  throw e;
}

function service(depth: DepthService | undefined, nodeId: string): DepthService {
  if (depth) return depth;
  throw new AneloError('ANELO_E040_MODEL_MISSING', `node "${nodeId}": no depth model runtime is available in this process`, { nodeId, param: 'model' });
}

export const depthNode = defineNode({
  type: 'depth',
  version: 1,
  label: 'Depth',
  category: 'depth',
  description:
    'Estimates per-frame disparity (near = larger) with a monocular depth model. Values are raw model output (no per-frame ' +
    'normalisation), rounded to float16, with robust per-frame stats for later stages.',
  inputs: [{ name: 'frames', types: ['frames'], label: 'Frames' }],
  outputs: [{ name: 'depth', types: ['depth'], label: 'Depth' }],
  params,
  cache: 'disk',
  // The model file's sha256 (plus provider, size rule, precision) enters the cache key, and for an HDR source the
  // view the model sees it through; thread count does not.
  async identity(ctx) {
    try {
      return (await service(ctx.services.depth, ctx.nodeId).modelKey(ctx.params)) + analysisViewKey(ctx.inputs.frames?.colour);
    } catch (e) {
      return withNode(e, ctx.nodeId);
    }
  },
  async info(ctx) {
    const input = ctx.inputs.frames;
    if (!input) throw new AneloError('ANELO_E001_GRAPH_INVALID', `node "${ctx.nodeId}": input "frames" is not connected`, { nodeId: ctx.nodeId, port: 'frames' });
    let size: { width: number; height: number };
    try {
      size = await service(ctx.services.depth, ctx.nodeId).outputSize(ctx.params, input.width, input.height);
    } catch (e) {
      return withNode(e, ctx.nodeId);
    }
    return { depth: { type: 'depth', width: size.width, height: size.height, fps: input.fps, frameCount: input.frameCount, depthScale: 'raw', source: input.source } };
  },
  // The model's sessions load while the first frames decode instead of after them (see NodeDefinition.prepare).
  async prepare(ctx) {
    await ctx.services.depth?.prepare?.(ctx.params);
  },
  async run(ctx) {
    const input = ctx.inputs.frames as FramesChunk | undefined;
    if (!input || input.type !== 'frames') throw new AneloError('ANELO_E031_NODE_FAILED', `node "${ctx.nodeId}": no frames on input "frames"`, { nodeId: ctx.nodeId, port: 'frames' });
    // The executor hands exactly [start, end) (no window); slice defensively all the same.
    const from = ctx.start - input.start;
    const frames = input.frames.slice(from, from + (ctx.end - ctx.start));
    let result: DepthResult;
    try {
      result = await service(ctx.services.depth, ctx.nodeId).infer(ctx.params, frames, input.width, input.height, ctx.signal, analysisView(ctx.inputInfo.frames?.colour), ctx.priority);
    } catch (e) {
      return withNode(e, ctx.nodeId);
    }
    ctx.progress(result.frames.length);
    const chunk: DepthChunk = {
      type: 'depth',
      start: ctx.start,
      width: result.width,
      height: result.height,
      frames: result.frames,
      // A depth thread computes the stats beside the model, off the main thread.
      stats: result.stats ?? result.frames.map((f) => depthStats(f)),
    };
    return { depth: chunk };
  },
});
