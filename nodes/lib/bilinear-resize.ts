/** Bilinear resampling of single-channel float images with pixel centres aligned (the convention of ffmpeg and ONNX resize). */

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

/** Resizes `src` (srcW x srcH) to dstW x dstH. Returns a copy when sizes match. */
export function resizeBilinear(
  src: Float32Array,
  srcW: number,
  srcH: number,
  dstW: number,
  dstH: number,
  out: Float32Array = new Float32Array(dstW * dstH),
): Float32Array {
  if (srcW === dstW && srcH === dstH) {
    out.set(src);
    return out;
  }
  const { i0: x0, i1: x1, f } = bilinearAxis(srcW, dstW);
  const fx = Float32Array.from(f);
  const ys = bilinearAxis(srcH, dstH);
  for (let y = 0; y < dstH; y++) {
    const fy = ys.f[y];
    const ra = ys.i0[y] * srcW;
    const rb = ys.i1[y] * srcW;
    const o = y * dstW;
    for (let x = 0; x < dstW; x++) {
      const a = src[ra + x0[x]] + fx[x] * (src[ra + x1[x]] - src[ra + x0[x]]);
      const b = src[rb + x0[x]] + fx[x] * (src[rb + x1[x]] - src[rb + x0[x]]);
      out[o + x] = a + fy * (b - a);
    }
  }
  return out;
}
