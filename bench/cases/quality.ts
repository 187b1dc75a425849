/**
 * Quality: (a) the temporal figures of raw vs smoothed depth on each shared clip (nodes/lib/temporal-figures.ts,
 * measured along an independent full-resolution colour flow; default, documentary and action presets), frames after
 * cuts independent of the previous scene, redwood AbsRel raw vs smoothed, and the cost of flow + smoothing at
 * 518x292; (b) Middlebury Cones: the right view synthesised from left.png with GT disparity and
 * with model depth aligned to it, against right.png, inside and outside nonocc-mask.png; (c) ../shared/rgbd: AbsRel
 * and δ1 of model depth after scale-and-shift alignment in disparity space. Each part fails on its own.
 */
import path from 'node:path';
import type { DepthChunk } from '../../nodes/core/types.ts';
import { opticalFlowNode } from '../../nodes/optical-flow.ts';
import { temporalSmoothNode } from '../../nodes/temporal-smooth.ts';
import { resizeBilinear } from '../../nodes/lib/bilinear-resize.ts';
import { depthStats } from '../../nodes/lib/depth-stats.ts';
import { roundToFloat16 } from '../../nodes/lib/float16.ts';
import { FIGURE_NAMES } from '../../nodes/lib/temporal-figures.ts';
import { runNode, withDefaults } from '../../test/nodes/fake-run-context.ts';
import { warpWithDisparity } from '../../nodes/lib/dibr.ts';
import { readPfm, readPngGray, readPngRgb } from '../../test/helpers/image-io.ts';
import { sharedPath } from '../../test/helpers/shared-data.ts';
import { applyScaleShift, fitScaleShift } from '../lib/align.ts';
import type { BenchModel } from '../lib/bench-models.ts';
import type { BenchContext } from '../lib/context.ts';
import { figure, type CaseResult, type Figure } from '../lib/figures.ts';
import { maskedPsnr, maskedSsim } from '../lib/image-metrics.ts';
import { rgbdGroups } from '../lib/rgbd-samples.ts';
import { executorSmoothingWall, figuresOf, ownNormalised, prepareClip, smoothClip, smoothingCost, upsampledDepth, type PreparedClip } from './flicker-figures.ts';
import { makeGrainyClip } from '../lib/ffmpeg-tools.ts';

/** Model disparity (near = larger) at the image's own size, as the depth stage gives it, upsampled bilinearly. */
async function modelDisparity(ctx: BenchContext, model: BenchModel, rgb: Uint8Array, w: number, h: number): Promise<Float32Array> {
  const r = await ctx.services.depth.infer(ctx.depthParams(model), [rgb], w, h);
  return resizeBilinear(r.frames[0], r.width, r.height, w, h);
}

/** The documentary and action presets of docs/nodes.md. */
export const SMOOTH_PRESETS: Record<string, Record<string, unknown>> = {
  default: {},
  documentary: { strength: 0.7, radius: 8, normalisation: 0.5 },
  action: { strength: 1, radius: 24 },
};

/** Frames of a clip the temporal figures use: bbb-60s only to 240 (title card, black, fade-in, first shot). */
const figureFrames = (ctx: BenchContext, clip: string): number => (clip.startsWith('bbb-60s') ? Math.min(241, ctx.sizes.flickerFrames || 241) : ctx.sizes.flickerFrames);

/**
 * Frames just after each cut are identical whatever the previous scene holds: the frames before the cut are
 * replaced by another scene (inverted colours and depth) and frames [cut, cut + 8) compared byte for byte.
 */
async function cutsHold(prep: PreparedClip): Promise<{ cuts: number[]; identical: boolean }> {
  const n = prep.depth.frames.length;
  const cuts: number[] = [];
  prep.cuts.flags.forEach((f, i) => f === 1 && i > 0 && cuts.push(i));
  let identical = true;
  const win = temporalSmoothNode.window!(withDefaults(temporalSmoothNode)).before;
  for (const c of cuts) {
    const end = Math.min(n, c + 8);
    const frames = { ...prep.frames, frames: prep.frames.frames.map((f, i) => (i < c ? f.map((v) => 255 - v) : f)) };
    const depthFrames = prep.depth.frames.map((f, i) => (i < c ? f.map((v) => 1 - v) : f));
    const depth = { ...prep.depth, frames: depthFrames, stats: depthFrames.map((f) => depthStats(f)) };
    const a = Math.max(0, c - win - 1);
    const b = Math.min(n, end + win);
    const motion = (await runNode(opticalFlowNode, {}, { frames, depth }, a, b)).result.motion as DepthChunk;
    const fullMotion = { ...prep.motion, frames: prep.motion.frames.slice(a, b), stats: prep.motion.stats.slice(a, b), start: a };
    const mine = (await runNode(temporalSmoothNode, {}, { depth: prep.depth, motion: fullMotion, cuts: prep.cuts }, c, end)).result.depth as DepthChunk;
    const other = (await runNode(temporalSmoothNode, {}, { depth, motion, cuts: prep.cuts }, c, end)).result.depth as DepthChunk;
    for (let k = 0; k < mine.frames.length; k++) if (!Buffer.from(mine.frames[k].buffer).equals(Buffer.from(other.frames[k].buffer))) identical = false;
  }
  return { cuts, identical };
}

async function flickerPart(ctx: BenchContext): Promise<{ figures: Figure[]; details: unknown }> {
  const figures: Figure[] = [];
  const rows: Record<string, unknown> = {};
  let costClip: PreparedClip | undefined;
  for (const clip of ctx.sizes.flickerClips) {
    const frames = figureFrames(ctx, clip);
    ctx.log(`quality: temporal figures on ${clip} (${frames || 'all'} frames)`);
    const prep = await prepareClip(ctx, clip, frames);
    if (clip.startsWith('bikes')) costClip = prep;
    const row: Record<string, unknown> = { frames: prep.depth.frames.length, depthSize: `${prep.depth.width}x${prep.depth.height}`, raw: prep.raw, flowMsPerFrame: prep.flowMs };
    for (const [preset, params] of Object.entries(SMOOTH_PRESETS)) {
      const r = await smoothClip(prep, params);
      const ratios = Object.fromEntries(FIGURE_NAMES.map((k) => [k, r.figures[k] / prep.raw[k]]));
      row[preset] = { figures: r.figures, ratios, smoothMsPerFrame: r.ms };
      if (preset !== 'default') continue;
      const at = (k: (typeof FIGURE_NAMES)[number], target: number): Figure =>
        figure(`${k} smoothed/raw · ${prep.name}`, ratios[k], { digits: 2, target: { op: '<=', value: target }, note: `${prep.raw[k].toFixed(4)} → ${r.figures[k].toFixed(4)}` });
      figures.push(at('warpError', 0.5), at('warpErrorAligned', 0.5), at('flicker', 0.4));
      const motion = figure(`motion smoothed/raw · ${prep.name}`, ratios.motion, { digits: 2, note: `target 0.85–1.15; ${prep.raw.motion.toFixed(4)} → ${r.figures.motion.toFixed(4)}` });
      motion.target = { op: '>=', value: 0.85 };
      motion.met = motion.value !== null && motion.value >= 0.85 && motion.value <= 1.15;
      figures.push(motion);
    }
    if (clip.startsWith('bikes') || clip.startsWith('bbb-60s')) {
      const held = await cutsHold(prep);
      row.cuts = held;
      figures.push(figure(`frames after cuts independent of the previous scene · ${prep.name}`, held.identical ? 1 : 0, { digits: 0, target: { op: '==', value: 1 }, note: `cuts at ${held.cuts.join(', ')}` }));
    }
    rows[clip] = row;
  }
  if (costClip) {
    const grainy = await grainyFigures(ctx, costClip);
    rows.grainy = grainy.details;
    figures.push(...grainy.figures);
    ctx.log('quality: smoothing cost at 518x292');
    const cost = await smoothingCost(costClip, 518, 292, Math.min(48, costClip.depth.frames.length), 3);
    rows.cost518x292 = cost;
    figures.push(figure('optical-flow + temporal-smooth, CPU ms/frame at 518x292 (one thread, best of 3)', cost.flowMs + cost.smoothMs, { digits: 1, unit: 'ms', note: `flow ${cost.flowMs.toFixed(1)} + smooth ${cost.smoothMs.toFixed(1)}; a fixed reference loop (10M multiply-adds) took ${cost.referenceMs.toFixed(1)} ms in the same run: compare machines by that` }));
    ctx.log('quality: smoothing wall time through the executor at 518x292');
    const n = Math.min(96, costClip.depth.frames.length);
    const wall = await executorSmoothingWall(ctx, 'bikes-cuts.mp4', upsampledDepth(costClip, 518, 292, n), 518, 292);
    rows.wall518x292 = wall;
    figures.push(figure(`optical-flow + temporal-smooth through the executor, wall ms/frame at 518x292 (${wall.workers} pool threads)`, wall.msPerFrame, { digits: 1, unit: 'ms', target: { op: '<=', value: 30 }, note: `${wall.frames} frames of bikes-cuts, decode and depth cached, read by a sink; best of 2; CPU of all threads ${wall.cpuMsPerFrame.toFixed(1)} ms/frame` }));
  }
  return { figures, details: rows };
}

/** ffmpeg's noise strength of the grainy copy: grain level (lib/motion-planes.ts grainLevel) about 10. */
const GRAIN_STRENGTH = 15;

/**
 * The temporal figures of a grainy copy of `clean` (ffmpeg's noise, new in every frame), depth and motion from the
 * grainy frames, measured along the clean frames' colour flow (grain would otherwise pass for motion in the figures
 * too). Motion is compared with the clean frames' raw depth: the grainy raw depth flickers at moving pixels as well,
 * and removing that is the point.
 */
async function grainyFigures(ctx: BenchContext, clean: PreparedClip): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const frames = clean.depth.frames.length;
  const file = path.join(ctx.tmpDir, `${clean.name}-grain${GRAIN_STRENGTH}.mp4`);
  ctx.log(`quality: temporal figures on ${clean.name} with grain (ffmpeg noise ${GRAIN_STRENGTH})`);
  await makeGrainyClip(ctx.media(`${clean.name}.mp4`), file, GRAIN_STRENGTH, frames);
  const grainy = await prepareClip(ctx, `${clean.name}.mp4`, frames, file);
  const along = { ...grainy, figureMotion: clean.figureMotion };
  const raw = figuresOf(grainy.depth.frames.map(ownNormalised), along);
  const cleanRaw = figuresOf(clean.depth.frames.map(ownNormalised), clean);
  const smoothed = (await smoothClip(along, {})).figures;
  const name = `${clean.name} with grain`;
  const at = (k: 'warpErrorAligned' | 'flicker', target: number): Figure =>
    figure(`${k} smoothed/raw · ${name}`, smoothed[k] / raw[k], { digits: 2, target: { op: '<=', value: target }, note: `${raw[k].toFixed(4)} → ${smoothed[k].toFixed(4)}, along the clean frames' flow` });
  const motion = figure(`motion smoothed/clean raw · ${name}`, smoothed.motion / cleanRaw.motion, { digits: 2, target: { op: '>=', value: 0.85 }, note: `clean raw ${cleanRaw.motion.toFixed(4)}, grainy raw ${raw.motion.toFixed(4)} → ${smoothed.motion.toFixed(4)}` });
  return { figures: [at('warpErrorAligned', 0.5), at('flicker', 0.4), motion], details: { strength: GRAIN_STRENGTH, raw, cleanRaw, smoothed } };
}

/** AbsRel of raw and smoothed depth on the redwood sequence (5 rendered frames, moving camera). */
async function redwoodPart(ctx: BenchContext, model: BenchModel): Promise<{ figures: Figure[]; details: unknown }> {
  const group = (await rgbdGroups()).find((g) => g.name === 'redwood');
  if (!group) return { figures: [], details: {} };
  const samples = await group.load();
  const { width: w, height: h } = samples[0];
  const r = await ctx.services.depth.infer(ctx.depthParams(model), samples.map((s) => s.rgb), w, h);
  const raw = r.frames.map((f) => roundToFloat16(f));
  const depth: DepthChunk = { type: 'depth', start: 0, width: r.width, height: r.height, frames: raw, stats: raw.map((f) => depthStats(f)) };
  const frames = { type: 'frames' as const, start: 0, width: w, height: h, frames: samples.map((s) => s.rgb) };
  const motion = (await runNode(opticalFlowNode, {}, { frames, depth }, 0, samples.length)).result.motion as DepthChunk;
  const smoothed = ((await runNode(temporalSmoothNode, {}, { depth, motion }, 0, samples.length)).result.depth as DepthChunk).frames;
  let before = 0;
  let after = 0;
  for (let k = 0; k < samples.length; k++) {
    before += rgbdMetrics(resizeBilinear(raw[k], r.width, r.height, w, h), samples[k].depth).absRel / samples.length;
    after += rgbdMetrics(resizeBilinear(smoothed[k], r.width, r.height, w, h), samples[k].depth).absRel / samples.length;
  }
  return {
    figures: [figure('redwood AbsRel smoothed/raw', after / before, { digits: 3, target: { op: '<=', value: 1.01 }, note: `${before.toFixed(4)} → ${after.toFixed(4)}` })],
    details: { absRelRaw: before, absRelSmoothed: after, frames: samples.length },
  };
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
export function rgbdMetrics(pred: Float32Array, gtDepth: Float32Array): { absRel: number; delta1: number; pixels: number } {
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
  await part('redwood', () => redwoodPart(ctx, ctx.model));
  await part('stereo', () => stereoPart(ctx, ctx.model));
  await part('rgbd', () => rgbdPart(ctx, ctx.model));
  if (!ctx.model.real) notes.push('Quality figures come from the 1x1-conv test model: they exercise the harness, not depth quality.');
  else notes.push(`Depth from ${ctx.model.label} (coarse, trained indoors on NYU), aligned by least-squares scale and shift in disparity space.`);
  return { figures, details, notes };
}
