/** Bilinear resampling of single-channel float images with pixel centres aligned (the convention of ffmpeg and ONNX resize). */

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
  const x0 = new Int32Array(dstW);
  const x1 = new Int32Array(dstW);
  const fx = new Float32Array(dstW);
  for (let x = 0; x < dstW; x++) {
    const s = Math.min(srcW - 1, Math.max(0, ((x + 0.5) * srcW) / dstW - 0.5));
    x0[x] = Math.floor(s);
    x1[x] = Math.min(srcW - 1, x0[x] + 1);
    fx[x] = s - x0[x];
  }
  for (let y = 0; y < dstH; y++) {
    const s = Math.min(srcH - 1, Math.max(0, ((y + 0.5) * srcH) / dstH - 0.5));
    const ya = Math.floor(s);
    const fy = s - ya;
    const ra = ya * srcW;
    const rb = Math.min(srcH - 1, ya + 1) * srcW;
    const o = y * dstW;
    for (let x = 0; x < dstW; x++) {
      const a = src[ra + x0[x]] + fx[x] * (src[ra + x1[x]] - src[ra + x0[x]]);
      const b = src[rb + x0[x]] + fx[x] * (src[rb + x1[x]] - src[rb + x0[x]]);
      out[o + x] = a + fy * (b - a);
    }
  }
  return out;
}
