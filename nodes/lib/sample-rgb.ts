/** Nearest-neighbour RGB24 resampling, used to read a frame's colour at each pixel of a smaller depth map. */

/** RGB24 of `rgb` (srcW x srcH) sampled at the centres of a dstW x dstH grid. Returns `rgb` itself when sizes match. */
export function sampleRgb(rgb: Uint8Array, srcW: number, srcH: number, dstW: number, dstH: number): Uint8Array {
  if (srcW === dstW && srcH === dstH) return rgb;
  const out = new Uint8Array(dstW * dstH * 3);
  const colOf = new Int32Array(dstW);
  for (let x = 0; x < dstW; x++) colOf[x] = Math.min(srcW - 1, Math.floor(((x + 0.5) * srcW) / dstW)) * 3;
  let o = 0;
  for (let y = 0; y < dstH; y++) {
    const row = Math.min(srcH - 1, Math.floor(((y + 0.5) * srcH) / dstH)) * srcW * 3;
    for (let x = 0; x < dstW; x++, o += 3) {
      const i = row + colOf[x];
      out[o] = rgb[i];
      out[o + 1] = rgb[i + 1];
      out[o + 2] = rgb[i + 2];
    }
  }
  return out;
}
