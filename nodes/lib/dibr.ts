/**
 * Depth-image-based rendering: synthesises a view by shifting each pixel horizontally by its disparity.
 * Forward warp, one pass per row: each source pixel is splatted onto the two target columns around its sub-pixel
 * position (weights by the fractional part), a z-buffer keeps the nearest surface (nearer = larger value), and
 * disocclusion holes are filled from the farther of the two neighbours along the row, so foreground never smears
 * into the background it uncovered.
 */
import { sharedBytes } from './shared-frames.ts';

/** Which view `warpWithDisparity` synthesises: the right from the left image (x → x − d) or the reverse. */
export type WarpDirection = 'left-to-right' | 'right-to-left';

export interface StereoViewParams {
  /** Full left–right separation in percent of the frame width for the full depth range. */
  divergence: number;
  /** 0 puts the nearest depth on the screen plane, 1 the farthest. */
  convergence: number;
  /** Extra gain on disparity in front of the screen (0 = none, 1 = doubled). */
  foregroundScale: number;
  /** Fade disparity to zero at the left/right edges, so no hole or window violation appears there. */
  preserveBorders: boolean;
}

/** Surfaces closer than this (in shift pixels) blend as one; farther behind ones are hidden. */
const Z_TOLERANCE_PX = 0.5;
/** Target pixels with less accumulated splat weight than this count as holes. */
const MIN_WEIGHT = 1e-3;

/**
 * Adds one splat (colour r, g, b with weight wt at depth zv) to target column tx of the row buffers: a nearer
 * surface replaces what is there, one within tolerance blends with it, a farther one is hidden.
 */
function splat(acc: Float64Array, weight: Float64Array, z: Float64Array, tx: number, wt: number, zv: number, r: number, g: number, b: number): void {
  const zb = z[tx];
  const o = tx * 3;
  if (zv > zb + Z_TOLERANCE_PX) {
    acc[o] = r * wt;
    acc[o + 1] = g * wt;
    acc[o + 2] = b * wt;
    weight[tx] = wt;
    z[tx] = zv;
  } else if (zv >= zb - Z_TOLERANCE_PX) {
    acc[o] += r * wt;
    acc[o + 1] += g * wt;
    acc[o + 2] += b * wt;
    weight[tx] += wt;
    if (zv > zb) z[tx] = zv;
  }
}

/**
 * The shift of the pixel at column x with value v: `scale * (v - offset)`, times `fgGain` where v > offset, times a
 * border ramp over the `borderBand` pixels at either edge (from 0 and from `bandEnd` = w - borderBand).
 */
function pixelShift(v: number, x: number, w: number, scale: number, offset: number, fgGain: number, borderBand: number, bandEnd: number): number {
  let shift = scale * (v - offset);
  if (v > offset) shift *= fgGain;
  if (x < borderBand || x >= bandEnd) {
    const edge = Math.min(x + 0.5, w - 0.5 - x) / borderBand;
    if (edge < 1) shift *= edge;
  }
  return shift;
}

/** One eye's output: the frame and where its rows go in it. */
interface EyeOut {
  out: Uint8Array;
  slot: EyeSlot;
}

/** One eye's row buffers: splatted colour sums, their weights and the nearest depth at each target column. */
interface RowBuffers {
  acc: Float64Array;
  weight: Float64Array;
  z: Float64Array;
}

// Row buffers in float64: V8 keeps numbers as doubles, so float32 storage converted on every load and store of the
// splat loop's read-modify-writes; doubles made the warp 15–20 % faster (and round more exactly).
function rowBuffers(w: number): RowBuffers {
  return { acc: new Float64Array(w * 3), weight: new Float64Array(w), z: new Float64Array(w) };
}

/**
 * The core warp: `first` shifted by pixelShift, and `second` (when given) by its exact negation, in one pass over the
 * source, so both eyes of 'both' read each pixel and work out its shift once (12 % less CPU than two passes at 1080p:
 * 118.6 against 134.8 ms a frame, best of 8) and each gets the bytes a pass of its own gives. z = v * |scale|.
 *
 * The eyes are an inner loop with one pair of splat calls, not four calls written out: TurboFan peels the innermost
 * loop (a copy of its body for the first iteration), and eight splats of 177 bytes of bytecode overran its inlining
 * budget (920), so some stayed calls that boxed their doubles — in the pool's threads the warp allocated ~50 MB of
 * heap numbers a 1080p frame, a scavenge every few milliseconds. Four copies fit.
 */
function warp(
  rgb: Uint8Array,
  w: number,
  h: number,
  values: Float32Array,
  scale: number,
  offset: number,
  foreground: number,
  borderBand: number,
  first: EyeOut,
  second?: EyeOut,
): void {
  const eyes = second ? 2 : 1;
  const bufL = rowBuffers(w);
  const bufR = second ? rowBuffers(w) : bufL;
  const zScale = Math.abs(scale);
  const fgGain = 1 + foreground;
  const bandEnd = w - borderBand;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    clearRow(bufL);
    if (second) clearRow(bufR);
    for (let x = 0, c = row * 3; x < w; x++, c += 3) {
      const v = values[row + x];
      const shift = pixelShift(v, x, w, scale, offset, fgGain, borderBand, bandEnd);
      const zv = v * zScale;
      const r = rgb[c], g = rgb[c + 1], b = rgb[c + 2];
      for (let e = 0; e < eyes; e++) {
        const { acc, weight, z } = e === 0 ? bufL : bufR;
        // Two taps: x0 with 1 - f, x0 + 1 with f. Whole-pixel shifts (f = 0) take one.
        const t = e === 0 ? x + shift : x - shift;
        const x0 = Math.floor(t);
        const f = t - x0;
        if (x0 >= 0 && x0 < w && f <= 1 - MIN_WEIGHT) splat(acc, weight, z, x0, 1 - f, zv, r, g, b);
        if (f >= MIN_WEIGHT && x0 + 1 >= 0 && x0 + 1 < w) splat(acc, weight, z, x0 + 1, f, zv, r, g, b);
      }
    }
    fillRow(bufL, w, first.out, first.slot.offset + y * first.slot.stride);
    if (second) fillRow(bufR, w, second.out, second.slot.offset + y * second.slot.stride);
  }
}

function clearRow(b: RowBuffers): void {
  b.acc.fill(0);
  b.weight.fill(0);
  b.z.fill(-Infinity);
}

/** Writes one warped row: normalised splats, then holes filled from their farther neighbour. */
function fillRow(b: RowBuffers, w: number, out: Uint8Array, o: number): void {
  const { acc, weight, z } = b;
  for (let x = 0; x < w; x++) {
    const wt = weight[x];
    if (wt >= MIN_WEIGHT) {
      const inv = 1 / wt;
      out[o + x * 3] = (acc[x * 3] * inv + 0.5) | 0;
      out[o + x * 3 + 1] = (acc[x * 3 + 1] * inv + 0.5) | 0;
      out[o + x * 3 + 2] = (acc[x * 3 + 2] * inv + 0.5) | 0;
    } else {
      weight[x] = 0;
    }
  }
  let x = 0;
  while (x < w) {
    if (weight[x] !== 0) {
      x++;
      continue;
    }
    let end = x;
    while (end + 1 < w && weight[end + 1] === 0) end++;
    const left = x - 1;
    const right = end + 1;
    let src = -1;
    if (left >= 0 && right < w) src = z[left] <= z[right] ? left : right;
    else if (left >= 0) src = left;
    else if (right < w) src = right;
    for (let k = x; k <= end; k++) {
      const d = o + k * 3;
      if (src < 0) {
        out[d] = out[d + 1] = out[d + 2] = 0;
      } else {
        const s = o + src * 3;
        out[d] = out[s];
        out[d + 1] = out[s + 1];
        out[d + 2] = out[s + 2];
      }
    }
    x = end + 1;
  }
}

/**
 * Warps `rgb` by a per-pixel disparity in pixels (larger = nearer), Middlebury convention: a left-image pixel at x
 * lands at x − d in the right view. Used to check the renderer against ground-truth stereo pairs.
 */
export function warpWithDisparity(rgb: Uint8Array, w: number, h: number, disparityPx: Float32Array, direction: WarpDirection): Uint8Array {
  const scale = direction === 'left-to-right' ? -1 : 1;
  const out = sharedBytes(w * h * 3);
  warp(rgb, w, h, disparityPx, scale, 0, 0, 0, { out, slot: { offset: 0, stride: w * 3 } });
  return out;
}

/** Disparity in pixels between the two eyes for normalised depth n (1 = near) — the full separation. */
export function fullDisparityPx(n: number, width: number, p: StereoViewParams): number {
  const screen = 1 - p.convergence;
  const d = (p.divergence / 100) * width * (n - screen);
  return n > screen ? d * (1 + p.foregroundScale) : d;
}

/** Where an eye's rows go in a frame that packs both: the first byte, and the bytes from one row to the next. */
export interface EyeSlot {
  offset: number;
  stride: number;
}

/**
 * Each eye's warp for `views`: 'both' shifts each eye by half the disparity, 'left' or 'right' that eye by all of
 * it. An eye's function renders it into `out` (at `slot`); undefined for an eye that keeps the source frame.
 */
type EyeRender = (out: Uint8Array, slot?: EyeSlot) => Uint8Array;
/** Both eyes of 'both' in one pass, each into its own output and slot. */
type PairRender = (left: EyeOut, right: EyeOut) => void;
function eyeWarp(rgb: Uint8Array, depth: Float32Array, w: number, h: number, p: StereoViewParams, views: 'both' | 'left' | 'right'): { left?: EyeRender; right?: EyeRender; pair?: PairRender } {
  const full = (p.divergence / 100) * w;
  const screen = 1 - p.convergence;
  const band = p.preserveBorders ? Math.max(1, Math.ceil(full * (1 + p.foregroundScale))) : 0;
  const eye = (scale: number): EyeRender | undefined =>
    scale === 0
      ? undefined
      : (out, slot = { offset: 0, stride: w * 3 }) => {
          warp(rgb, w, h, depth, scale, screen, p.foregroundScale, band, { out, slot });
          return out;
        };
  const pair: PairRender | undefined =
    views === 'both' && full !== 0 ? (left, right) => warp(rgb, w, h, depth, full / 2, screen, p.foregroundScale, band, left, right) : undefined;
  return { left: eye(views === 'both' ? full / 2 : views === 'left' ? full : 0), right: eye(views === 'both' ? -full / 2 : views === 'right' ? -full : 0), pair };
}

/** Copies a w x h RGB24 image into its slot. */
function place(rgb: Uint8Array, w: number, h: number, out: Uint8Array, slot: EyeSlot): void {
  for (let y = 0; y < h; y++) out.set(rgb.subarray(y * w * 3, (y + 1) * w * 3), slot.offset + y * slot.stride);
}

/**
 * Renders both eyes straight into their slots of one packed frame `out` (a full side-by-side or top-bottom layout),
 * with no frame per eye to allocate and copy (at 1080p two 6 MB frames, and a 12 MB copy). An eye that is not
 * synthesised gets the source frame. The same pixels as renderStereoViews, then packing.
 */
export function renderStereoViewsInto(
  rgb: Uint8Array,
  depth: Float32Array,
  w: number,
  h: number,
  p: StereoViewParams,
  views: 'both' | 'left' | 'right',
  out: Uint8Array,
  slots: { left: EyeSlot; right: EyeSlot },
): Uint8Array {
  const eye = eyeWarp(rgb, depth, w, h, p, views);
  if (eye.pair) {
    eye.pair({ out, slot: slots.left }, { out, slot: slots.right });
    return out;
  }
  if (eye.left) eye.left(out, slots.left);
  else place(rgb, w, h, out, slots.left);
  if (eye.right) eye.right(out, slots.right);
  else place(rgb, w, h, out, slots.right);
  return out;
}

/**
 * Renders the stereo views of a frame from its normalised depth (w x h, 0 far .. 1 near). `views` says which eyes
 * are synthesised: 'both' shifts each by half the disparity; 'left' or 'right' synthesises that eye with the full
 * disparity and keeps the source frame as the other. An eye marked unneeded in `need` is not rendered (the source
 * frame stands in for it).
 */
export function renderStereoViews(
  rgb: Uint8Array,
  depth: Float32Array,
  w: number,
  h: number,
  p: StereoViewParams,
  views: 'both' | 'left' | 'right',
  need: { left: boolean; right: boolean } = { left: true, right: true },
): { left: Uint8Array; right: Uint8Array } {
  const eye = eyeWarp(rgb, depth, w, h, p, views);
  if (eye.pair && need.left && need.right) {
    const own = { offset: 0, stride: w * 3 };
    const pair = { left: sharedBytes(w * h * 3), right: sharedBytes(w * h * 3) };
    eye.pair({ out: pair.left, slot: own }, { out: pair.right, slot: own });
    return pair;
  }
  const left = eye.left && need.left ? eye.left(sharedBytes(w * h * 3)) : rgb;
  const right = eye.right && need.right ? eye.right(sharedBytes(w * h * 3)) : rgb;
  return { left, right };
}
