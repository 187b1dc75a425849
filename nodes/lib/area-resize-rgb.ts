/** Downscaling of RGB24 images by area averaging (each output pixel is the coverage-weighted mean of its source box). */
import { f32, i32, kernels, layout, u8 } from './kernels/wasm.ts';

/** Per output index along one axis: first source index, count, and `taps` coverage weights (zero-padded). */
interface AxisWeights {
  first: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  taps: number;
}

/**
 * The weights of the last few axes asked for (a thread resizes frames of one size to one size, frame after frame:
 * working them out again each time was a fifth of the resize's time). Only read after they are made.
 */
const recentAxes = new Map<string, AxisWeights>();
const RECENT_AXES = 8;

function axisWeights(src: number, dst: number): AxisWeights {
  const key = `${src}:${dst}`;
  let axis = recentAxes.get(key);
  if (!axis) {
    axis = makeAxisWeights(src, dst);
    if (recentAxes.size >= RECENT_AXES) recentAxes.delete(recentAxes.keys().next().value!);
    recentAxes.set(key, axis);
  }
  return axis;
}

function makeAxisWeights(src: number, dst: number): AxisWeights {
  const first = new Int32Array(dst);
  const count = new Int32Array(dst);
  const ratio = src / dst;
  // A box of `ratio` source pixels touches at most ceil(ratio) + 1 of them.
  const taps = Math.ceil(ratio) + 1;
  const weights = new Float32Array(dst * taps);
  const ws = new Float32Array(taps);
  for (let d = 0; d < dst; d++) {
    const a = d * ratio;
    const b = Math.min(src, (d + 1) * ratio);
    const i0 = Math.floor(a);
    const i1 = Math.min(src, Math.ceil(b));
    const n = Math.max(1, i1 - i0);
    ws.fill(0);
    let total = 0;
    for (let i = i0; i < i1; i++) {
      const cover = Math.min(b, i + 1) - Math.max(a, i);
      ws[i - i0] = cover;
      total += cover;
    }
    for (let k = 0; k < n; k++) weights[d * taps + k] = total > 0 ? ws[k] / total : 1 / n;
    first[d] = Math.min(i0, src - 1);
    count[d] = n;
  }
  return { first, count, weights, taps };
}

/**
 * Resizes RGB24 `src` (sw x sh) to dw x dh by area averaging; meant for downscaling (e.g. half-SBS squeezing, the
 * colour optical flow reads at the depth size). A horizontal pass into floats, then a vertical one into bytes, by the
 * WebAssembly kernel (kernels/assembly/area-resize.ts; the weights are laid out here).
 */
export function areaResizeRgb(src: Uint8Array, sw: number, sh: number, dw: number, dh: number): Uint8Array {
  const xs = axisWeights(sw, dw);
  const ys = axisWeights(sh, dh);
  const inBytes = sw * sh * 3;
  const outBytes = dw * dh * 3;
  const [ps, xf, xc, xw, yf, yc, yw, mid, po] = layout(
    inBytes,
    dw * 4,
    dw * 4,
    xs.weights.length * 4,
    dh * 4,
    dh * 4,
    ys.weights.length * 4,
    dw * sh * 3 * 4,
    outBytes,
  );
  u8(ps, inBytes).set(src.subarray(0, inBytes));
  i32(xf, dw).set(xs.first);
  i32(xc, dw).set(xs.count);
  f32(xw, xs.weights.length).set(xs.weights);
  i32(yf, dh).set(ys.first);
  i32(yc, dh).set(ys.count);
  f32(yw, ys.weights.length).set(ys.weights);
  kernels().areaResizeRgb(ps, sw, sh, dw, dh, xf, xc, xw, xs.taps, yf, yc, yw, ys.taps, mid, po);
  return u8(po, outBytes).slice();
}
