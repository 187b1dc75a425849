/**
 * RGB24 frames → the model's input tensor (N x 3 x H x W float32): resize (separable bilinear, see
 * resize-filter.ts), value scale, mean/std, HWC → CHW, all in one pass per frame over typed arrays.
 * Scale and mean/std are folded into one multiply-add per channel: they are linear, so they commute with the
 * (weights-sum-to-one) resize and can be applied once at the end.
 */
import { resizeRgb } from '../media/vips-image.ts';
import type { ModelInputSpec } from './model-manifest.ts';
import { axisFilter } from './resize-filter.ts';

/**
 * Frames shrunk to the model's input size by libvips: a 720p frame shrunk to a 224 or 518 model input costs ~20 ms
 * in the typed-array filter of `preprocessFrames` (13 taps per sample at 5.7x) and ~2 ms there, so the filter is
 * left only the value scale and layout. An enlargement is left to the filter (the frames come back as they were):
 * two taps per sample are cheap, and it keeps fractions a byte-rounded resize would lose. Call it on the main thread
 * (see vips-image.ts); the depth threads get the frames it returns.
 */
export async function shrinkForModel(frames: readonly Uint8Array[], width: number, height: number, outW: number, outH: number): Promise<{ frames: readonly Uint8Array[]; width: number; height: number }> {
  if (outW >= width && outH >= height) return { frames, width, height };
  return { frames: await Promise.all(frames.map((f) => resizeRgb(f, width, height, outW, outH))), width: outW, height: outH };
}

let scratch = new Float32Array(0);

/** Fills `out` (length frames.length * 3 * outW * outH) with the normalised, resized frames in NCHW order. */
export function preprocessFrames(
  frames: readonly Uint8Array[],
  width: number,
  height: number,
  outW: number,
  outH: number,
  spec: ModelInputSpec,
  out: Float32Array = new Float32Array(frames.length * 3 * outW * outH),
): Float32Array {
  const fx = axisFilter(width, outW);
  const fy = axisFilter(height, outH);
  const plane = outW * outH;
  // Channel order of the tensor: RGB as decoded, or swapped for BGR models.
  const src = spec.channels === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  // mean/std are listed in tensor channel order; a[c], b[c] apply to decoded channel c.
  const a = src.map((t) => spec.scale / spec.std[t]);
  const b = src.map((t) => -spec.mean[t] / spec.std[t]);
  if (width === outW && height === outH) return normaliseOnly(frames, plane, src, a, b, out);
  if (scratch.length < height * outW * 3) scratch = new Float32Array(height * outW * 3);
  const tmp = scratch;
  for (let f = 0; f < frames.length; f++) {
    const rgb = frames[f];
    // Horizontal pass: every source row → outW pixels (still HWC, 0..255 floats).
    for (let y = 0; y < height; y++) {
      const row = y * width * 3;
      const trow = y * outW * 3;
      for (let x = 0; x < outW; x++) {
        let r = 0;
        let g = 0;
        let bl = 0;
        let p = row + fx.start[x] * 3;
        const wo = x * fx.taps;
        for (let k = 0, n = fx.count[x]; k < n; k++, p += 3) {
          const w = fx.weights[wo + k];
          r += w * rgb[p];
          g += w * rgb[p + 1];
          bl += w * rgb[p + 2];
        }
        const t = trow + x * 3;
        tmp[t] = r;
        tmp[t + 1] = g;
        tmp[t + 2] = bl;
      }
    }
    // Vertical pass straight into the CHW planes, with the per-channel multiply-add.
    const base = f * 3 * plane;
    const o0 = base + src[0] * plane;
    const o1 = base + src[1] * plane;
    const o2 = base + src[2] * plane;
    const a0 = a[0], a1 = a[1], a2 = a[2];
    const b0 = b[0], b1 = b[1], b2 = b[2];
    for (let y = 0; y < outH; y++) {
      const wo = y * fy.taps;
      const n = fy.count[y];
      const y0 = fy.start[y];
      for (let x = 0; x < outW; x++) {
        let r = 0;
        let g = 0;
        let bl = 0;
        let p = (y0 * outW + x) * 3;
        for (let k = 0; k < n; k++, p += outW * 3) {
          const w = fy.weights[wo + k];
          r += w * tmp[p];
          g += w * tmp[p + 1];
          bl += w * tmp[p + 2];
        }
        const i = y * outW + x;
        out[o0 + i] = r * a0 + b0;
        out[o1 + i] = g * a1 + b1;
        out[o2 + i] = bl * a2 + b2;
      }
    }
  }
  return out;
}

/**
 * The equal-size case (frames libvips already resized): at scale 1 the filter's taps are exactly 1 and 0, so this
 * gives the same values without its two passes and scratch rows (about 1 ms a 224x224 frame, 5 ms at 924x518).
 */
function normaliseOnly(frames: readonly Uint8Array[], plane: number, src: number[], a: number[], b: number[], out: Float32Array): Float32Array {
  const [a0, a1, a2] = a;
  const [b0, b1, b2] = b;
  for (let f = 0; f < frames.length; f++) {
    const rgb = frames[f];
    const base = f * 3 * plane;
    const o0 = base + src[0] * plane;
    const o1 = base + src[1] * plane;
    const o2 = base + src[2] * plane;
    for (let i = 0, p = 0; i < plane; i++, p += 3) {
      out[o0 + i] = rgb[p] * a0 + b0;
      out[o1 + i] = rgb[p + 1] * a1 + b1;
      out[o2 + i] = rgb[p + 2] * a2 + b2;
    }
  }
  return out;
}
