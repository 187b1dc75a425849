/**
 * Quality: (a) flicker of raw vs smoothed depth on each shared clip (temporal-smooth's own flickerIn/flickerOut,
 * see nodes/lib/flicker.ts); (b) Middlebury Cones: the right view synthesised from left.png with GT disparity and
 * with model depth aligned to it, against right.png, inside and outside nonocc-mask.png; (c) ../shared/rgbd: AbsRel
 * and δ1 of model depth after scale-and-shift alignment in disparity space. Each part fails on its own.
 */
import { resizeBilinear } from '../../nodes/lib/bilinear-resize.ts';
import { warpWithDisparity } from '../../nodes/lib/dibr.ts';
import { readPfm, readPngGray, readPngRgb } from '../../test/helpers/image-io.ts';
import { sharedPath } from '../../test/helpers/shared-data.ts';
import { applyScaleShift, fitScaleShift } from '../lib/align.ts';
import type { BenchModel } from '../lib/bench-models.ts';
import type { BenchContext } from '../lib/context.ts';
import { figure, type CaseResult, type Figure } from '../lib/figures.ts';
import { defaultGraph } from '../lib/graphs.ts';
import { maskedPsnr, maskedSsim } from '../lib/image-metrics.ts';
import { rgbdGroups } from '../lib/rgbd-samples.ts';
import { freshExecutor, runGraph } from '../lib/run-graph.ts';

/** Model disparity (near = larger) at the image's own size, as the depth stage gives it, upsampled bilinearly. */
async function modelDisparity(ctx: BenchContext, model: BenchModel, rgb: Uint8Array, w: number, h: number): Promise<Float32Array> {
  const r = await ctx.services.depth.infer(ctx.depthParams(model), [rgb], w, h);
  return resizeBilinear(r.frames[0], r.width, r.height, w, h);
}

const changeText = (r: number): string => (r <= 1 ? `${(100 * (1 - r)).toFixed(0)} % lower` : `${(100 * (r - 1)).toFixed(0)} % higher`);

async function flickerPart(ctx: BenchContext): Promise<{ figures: Figure[]; details: unknown }> {
  const figures: Figure[] = [];
  const rows: Record<string, unknown> = {};
  for (const clip of ctx.sizes.flickerClips) {
    ctx.log(`quality: flicker on ${clip} (${ctx.sizes.flickerFrames || 'all'} frames)`);
    const report = await runGraph(ctx, freshExecutor(ctx, { disk: false }), defaultGraph(ctx.clipOverrides(clip, ctx.sizes.flickerFrames)), { targets: ['smooth'] });
    const s = report.nodes.smooth.stats;
    const short = clip.replace(/\.mp4$/, '');
    figures.push(figure(`flicker raw · ${short}`, s.flickerIn ?? null, { digits: 4 }));
    figures.push(figure(`flicker smoothed · ${short}`, s.flickerOut ?? null, { digits: 4, note: s.flickerIn ? changeText(s.flickerOut / s.flickerIn) : undefined }));
    rows[clip] = { frames: report.frames.end - report.frames.start, flickerIn: s.flickerIn, flickerOut: s.flickerOut };
  }
  return { figures, details: rows };
}

async function stereoPart(ctx: BenchContext, model: BenchModel): Promise<{ figures: Figure[]; details: unknown }> {
  const left = readPngRgb(sharedPath('stereo', 'cones', 'left.png'));
  const right = readPngRgb(sharedPath('stereo', 'cones', 'right.png'));
  const gt = readPfm(sharedPath('stereo', 'cones', 'disp_left.pfm'));
  const maskImg = readPngGray(sharedPath('stereo', 'cones', 'nonocc-mask.png'));
  const { width: w, height: h } = left;
  const inside = (i: number): boolean => maskImg.data[i] > 0;
  const outside = (i: number): boolean => maskImg.data[i] === 0;

  const pred = await modelDisparity(ctx, model, left.data, w, h);
  const fit = fitScaleShift(pred, gt.data, (i) => gt.data[i] > 0);
  const aligned = applyScaleShift(pred, fit);
  const views = {
    'GT disparity': warpWithDisparity(left.data, w, h, gt.data, 'left-to-right'),
    [`${model.label} aligned`]: warpWithDisparity(left.data, w, h, aligned, 'left-to-right'),
    'no warp (left as right)': left.data,
  };
  const figures: Figure[] = [];
  const details: Record<string, unknown> = { alignment: fit, size: `${w}x${h}`, maskInsideShare: maskImg.data.filter((v) => v > 0).length / maskImg.data.length };
  for (const [name, view] of Object.entries(views)) {
    const m = {
      psnrIn: maskedPsnr(view, right.data, inside),
      ssimIn: maskedSsim(view, right.data, w, h, inside),
      psnrOut: maskedPsnr(view, right.data, outside),
      ssimOut: maskedSsim(view, right.data, w, h, outside),
    };
    details[name] = m;
    figures.push(figure(`cones PSNR in mask · ${name}`, m.psnrIn, { unit: 'dB', digits: 2 }));
    figures.push(figure(`cones SSIM in mask · ${name}`, m.ssimIn, { digits: 4 }));
    figures.push(figure(`cones PSNR outside mask · ${name}`, m.psnrOut, { unit: 'dB', digits: 2 }));
    figures.push(figure(`cones SSIM outside mask · ${name}`, m.ssimOut, { digits: 4 }));
  }
  return { figures, details };
}

/** AbsRel and δ1 of depth from model disparity aligned (scale, shift) to 1/GT depth; predictions capped at the GT's far end. */
function rgbdMetrics(pred: Float32Array, gtDepth: Float32Array): { absRel: number; delta1: number; pixels: number } {
  const gtDisp = new Float32Array(gtDepth.length);
  let maxDepth = 0;
  for (let i = 0; i < gtDepth.length; i++) {
    if (gtDepth[i] > 0) {
      gtDisp[i] = 1 / gtDepth[i];
      if (gtDepth[i] > maxDepth) maxDepth = gtDepth[i];
    }
  }
  const fit = fitScaleShift(pred, gtDisp, (i) => gtDepth[i] > 0);
  const minDisp = 1 / maxDepth;
  let absRel = 0;
  let good = 0;
  let n = 0;
  for (let i = 0; i < pred.length; i++) {
    const g = gtDepth[i];
    if (!(g > 0)) continue;
    const d = 1 / Math.max(fit.scale * pred[i] + fit.shift, minDisp);
    absRel += Math.abs(d - g) / g;
    if (Math.max(d / g, g / d) < 1.25) good++;
    n++;
  }
  return { absRel: absRel / n, delta1: good / n, pixels: n };
}

async function rgbdPart(ctx: BenchContext, model: BenchModel): Promise<{ figures: Figure[]; details: unknown }> {
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  for (const group of await rgbdGroups()) {
    try {
      const samples = await group.load();
      let absRel = 0;
      let delta1 = 0;
      for (const s of samples) {
        const m = rgbdMetrics(await modelDisparity(ctx, model, s.rgb, s.width, s.height), s.depth);
        absRel += m.absRel / samples.length;
        delta1 += m.delta1 / samples.length;
      }
      details[group.name] = { frames: samples.length, absRel, delta1, note: samples[0].note };
      figures.push(figure(`AbsRel · ${group.name}`, absRel, { digits: 3, note: samples[0].note }));
      figures.push(figure(`δ1 · ${group.name}`, delta1, { digits: 3 }));
    } catch (e) {
      details[group.name] = { error: (e as Error).message };
    }
  }
  return { figures, details };
}

export async function qualityCase(ctx: BenchContext): Promise<CaseResult> {
  const figures: Figure[] = [];
  const details: Record<string, unknown> = { model: ctx.model.description };
  const notes: string[] = [];
  const part = async (name: string, f: () => Promise<{ figures: Figure[]; details: unknown }>): Promise<void> => {
    try {
      const r = await f();
      figures.push(...r.figures);
      details[name] = r.details;
    } catch (e) {
      details[name] = { error: (e as Error).message };
      notes.push(`${name} failed: ${(e as Error).message}`);
    }
  };
  await part('flicker', () => flickerPart(ctx));
  await part('stereo', () => stereoPart(ctx, ctx.model));
  await part('rgbd', () => rgbdPart(ctx, ctx.model));
  if (!ctx.model.real) notes.push('Quality figures come from the 1x1-conv test model: they exercise the harness, not depth quality.');
  else notes.push(`Depth from ${ctx.model.label} (coarse, trained indoors on NYU), aligned by least-squares scale and shift in disparity space.`);
  return { figures, details, notes };
}
