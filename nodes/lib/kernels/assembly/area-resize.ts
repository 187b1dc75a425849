// Area-averaging resize of RGB24 images (nodes/lib/area-resize-rgb.ts), with its arithmetic: the same bytes.
import { getF32, setF32, getF64, setF64, getU8, setU8, getI32 } from './memory';

@inline function toByte(v: f64): i32 {
  return v < 0 ? 0 : v > 255 ? 255 : <i32>(v + 0.5);
}

/**
 * `src` (sw x sh RGB24) → `out` (dw x dh RGB24). Weights per axis as the JavaScript lays them out: first index,
 * count and `taps` float32 weights per output index (xFirst, xCount, xWeights; yFirst, yCount, yWeights). Scratch:
 * mid (dw x sh x 3 float32), acc (dw x 3 float64).
 */
export function areaResizeRgb(src: usize, sw: i32, sh: i32, dw: i32, dh: i32, xFirst: usize, xCount: usize, xWeights: usize, xTaps: i32, yFirst: usize, yCount: usize, yWeights: usize, yTaps: i32, mid: usize, acc: usize, out: usize): void {
  for (let y = 0; y < sh; y++) {
    const srow = y * sw * 3;
    let m = y * dw * 3;
    for (let x = 0, wi = 0; x < dw; x++, wi += xTaps, m += 3) {
      let s = srow + getI32(xFirst, x) * 3;
      const w0 = getF32(xWeights, wi);
      let r = getU8(src, s) * w0;
      let g = getU8(src, s + 1) * w0;
      let b = getU8(src, s + 2) * w0;
      const n = getI32(xCount, x);
      for (let k = 1; k < n; k++) {
        s += 3;
        const wk = getF32(xWeights, wi + k);
        r += getU8(src, s) * wk;
        g += getU8(src, s + 1) * wk;
        b += getU8(src, s + 2) * wk;
      }
      setF32(mid, m, r);
      setF32(mid, m + 1, g);
      setF32(mid, m + 2, b);
    }
  }
  const rowLen = dw * 3;
  for (let y = 0; y < dh; y++) {
    const n = getI32(yCount, y);
    const f0 = getI32(yFirst, y);
    const o = y * rowLen;
    const r0 = f0 * rowLen;
    const w0 = getF32(yWeights, y * yTaps);
    if (n === 1) {
      for (let i = 0; i < rowLen; i++) setU8(out, o + i, toByte(getF32(mid, r0 + i) * w0));
      continue;
    }
    if (n === 2) {
      const r1 = r0 + rowLen;
      const w1 = getF32(yWeights, y * yTaps + 1);
      for (let i = 0; i < rowLen; i++) setU8(out, o + i, toByte(getF32(mid, r0 + i) * w0 + getF32(mid, r1 + i) * w1));
      continue;
    }
    memory.fill(acc, 0, <usize>rowLen << 3);
    for (let k = 0; k < n; k++) {
      const wk = getF32(yWeights, y * yTaps + k);
      const mr = (f0 + k) * rowLen;
      for (let i = 0; i < rowLen; i++) setF64(acc, i, getF64(acc, i) + getF32(mid, mr + i) * wk);
    }
    for (let i = 0; i < rowLen; i++) setU8(out, o + i, toByte(getF64(acc, i)));
  }
}
