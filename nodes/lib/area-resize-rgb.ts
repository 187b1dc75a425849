/** Downscaling of RGB24 images by area averaging (each output pixel is the coverage-weighted mean of its source box). */

/** Per output index along one axis: first source index, count, and the coverage weight of each source index. */
function axisWeights(src: number, dst: number): { first: Int32Array; count: Int32Array; weights: Float32Array[] } {
  const first = new Int32Array(dst);
  const count = new Int32Array(dst);
  const weights: Float32Array[] = [];
  const ratio = src / dst;
  for (let d = 0; d < dst; d++) {
    const a = d * ratio;
    const b = Math.min(src, (d + 1) * ratio);
    const i0 = Math.floor(a);
    const i1 = Math.min(src, Math.ceil(b));
    const ws = new Float32Array(Math.max(1, i1 - i0));
    let total = 0;
    for (let i = i0; i < i1; i++) {
      const cover = Math.min(b, i + 1) - Math.max(a, i);
      ws[i - i0] = cover;
      total += cover;
    }
    for (let k = 0; k < ws.length; k++) ws[k] = total > 0 ? ws[k] / total : 1 / ws.length;
    first[d] = Math.min(i0, src - 1);
    count[d] = ws.length;
    weights.push(ws);
  }
  return { first, count, weights };
}

/** Resizes RGB24 `src` (sw x sh) to dw x dh by area averaging; meant for downscaling (e.g. half-SBS squeezing). */
export function areaResizeRgb(src: Uint8Array, sw: number, sh: number, dw: number, dh: number): Uint8Array {
  const xs = axisWeights(sw, dw);
  const ys = axisWeights(sh, dh);
  // Horizontal pass into floats, then vertical into bytes.
  const mid = new Float32Array(dw * sh * 3);
  for (let y = 0; y < sh; y++) {
    const srow = y * sw * 3;
    const mrow = y * dw * 3;
    for (let x = 0; x < dw; x++) {
      const ws = xs.weights[x];
      let r = 0, g = 0, b = 0;
      for (let k = 0, s = srow + xs.first[x] * 3; k < xs.count[x]; k++, s += 3) {
        r += src[s] * ws[k];
        g += src[s + 1] * ws[k];
        b += src[s + 2] * ws[k];
      }
      mid[mrow + x * 3] = r;
      mid[mrow + x * 3 + 1] = g;
      mid[mrow + x * 3 + 2] = b;
    }
  }
  const out = new Uint8Array(dw * dh * 3);
  const rowLen = dw * 3;
  for (let y = 0; y < dh; y++) {
    const ws = ys.weights[y];
    const o = y * rowLen;
    for (let i = 0; i < rowLen; i++) {
      let v = 0;
      for (let k = 0; k < ys.count[y]; k++) v += mid[(ys.first[y] + k) * rowLen + i] * ws[k];
      out[o + i] = v < 0 ? 0 : v > 255 ? 255 : (v + 0.5) | 0;
    }
  }
  return out;
}
