/** Bilinear resampling of single-channel float images with pixel centres aligned (the convention of ffmpeg and ONNX resize). */
import { f32, kernels, layout } from './kernels/wasm.ts';

/**
 * Where each of `dst` output positions samples a `src`-long axis: the two source indices and the weight of the
 * second, pixel centres aligned and clamped at the edges. The weight is exact (a double); resizeBilinear rounds the
 * horizontal ones to float32 as it always stored them.
 */
export function bilinearAxis(src: number, dst: number): { i0: Int32Array; i1: Int32Array; f: Float64Array } {
  const i0 = new Int32Array(dst);
  const i1 = new Int32Array(dst);
  const f = new Float64Array(dst);
  for (let d = 0; d < dst; d++) {
    const s = Math.min(src - 1, Math.max(0, ((d + 0.5) * src) / dst - 0.5));
    i0[d] = Math.floor(s);
    i1[d] = Math.min(src - 1, i0[d] + 1);
    f[d] = s - i0[d];
  }
  return { i0, i1, f };
}

/** Resizes `src` (srcW x srcH) to dstW x dstH (by the WebAssembly kernel, on bilinearAxis's axes). Returns a copy when sizes match. */
export function resizeBilinear(
  src: Float32Array,
  srcW: number,
  srcH: number,
  dstW: number,
  dstH: number,
  out: Float32Array = new Float32Array(dstW * dstH),
): Float32Array {
  const n = srcW * srcH;
  const m = dstW * dstH;
  const [ps, po] = layout(n * 4, m * 4);
  f32(ps, n).set(src.subarray(0, n));
  kernels().resizeBilinear(ps, srcW, srcH, dstW, dstH, po);
  out.set(f32(po, m));
  return out;
}
