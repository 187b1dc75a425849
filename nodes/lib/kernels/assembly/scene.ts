// The frame signature of scene-cut detection (nodes/lib/scene-cuts.ts): per-channel 64-bin CDFs and a 16x16 luma
// thumbnail of a sampled grid of pixels, with the arithmetic of the JavaScript it replaced: the same values.
import { getF32, setF32, getI32, setI32 } from './memory';
import { alloc, mark, release } from './scratch';

const CDF_BINS = 64;
const THUMB = 16;
const CDF_LEN = 3 * CDF_BINS;

@inline function bump(p: usize, k: i32): void {
  const a = p + (<usize>k << 2);
  store<f32>(a, load<f32>(a) + 1);
}

/**
 * Signature of a width x height RGB24 frame into out (SIGNATURE_LENGTH float32), sampled every `step` pixels both
 * ways: rgb holds only the sampled rows (rows 0, step, 2·step, … one after another). lut is 256 bytes or 0.
 */
export function frameSignature(rgb: usize, width: i32, height: i32, step: i32, lut: usize, out: usize): void {
  memory.fill(out, 0, <usize>((CDF_LEN + THUMB * THUMB) * 4));
  const at = mark();
  const cellOfX = alloc(width * 4);
  for (let x = 0; x < width; x++) setI32(cellOfX, x, min(THUMB - 1, <i32>Math.floor(<f64>(x * THUMB) / <f64>width)));
  const thumbCount = alloc(THUMB * THUMB * 4);
  memory.fill(thumbCount, 0, THUMB * THUMB * 4);
  let samples = 0;
  for (let y = 0, row = 0; y < height; y += step, row++) {
    const rowCell = CDF_LEN + min(THUMB - 1, <i32>Math.floor(<f64>(y * THUMB) / <f64>height)) * THUMB;
    let i = row * width * 3;
    for (let x = 0; x < width; x += step, i += 3 * step) {
      let r = <i32>load<u8>(rgb + <usize>i);
      let g = <i32>load<u8>(rgb + <usize>i + 1);
      let b = <i32>load<u8>(rgb + <usize>i + 2);
      if (lut) {
        r = <i32>load<u8>(lut + <usize>r);
        g = <i32>load<u8>(lut + <usize>g);
        b = <i32>load<u8>(lut + <usize>b);
      }
      bump(out, r >> 2);
      bump(out, CDF_BINS + (g >> 2));
      bump(out, 2 * CDF_BINS + (b >> 2));
      const c = rowCell + getI32(cellOfX, x);
      const pc = out + (<usize>c << 2);
      store<f32>(pc, load<f32>(pc) + <f32>((r * 77 + g * 150 + b * 29) >> 8));
      bump(thumbCount, c - CDF_LEN);
      samples++;
    }
  }
  for (let c = 0; c < 3; c++) {
    let acc: f64 = 0;
    for (let k = c * CDF_BINS; k < (c + 1) * CDF_BINS; k++) {
      acc += getF32(out, k);
      setF32(out, k, acc / <f64>samples);
    }
  }
  for (let k = 0; k < THUMB * THUMB; k++) {
    const n = getF32(thumbCount, k);
    setF32(out, CDF_LEN + k, n > 0 ? getF32(out, CDF_LEN + k) / (n * 255) : 0);
  }
  release(at);
}
