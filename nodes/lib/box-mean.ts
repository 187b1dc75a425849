/** Mean over a (2r+1)^2 box in O(pixels) whatever r is: running sums along rows, then a running row sum down columns. */
import { f32, kernels, layout } from './kernels/wasm.ts';

/**
 * Box mean of `src` (w x h) with radius `r`; the box is clipped at the borders and divided by what lies inside.
 * Computed by the WebAssembly kernel (kernels/assembly/box-mean.ts): float64 running sums (float32 ones drift
 * visibly over a 1080-row sweep), float32 results.
 */
export function boxMean(src: Float32Array, w: number, h: number, r: number, out: Float32Array = new Float32Array(w * h)): Float32Array {
  const n = w * h;
  const [s, horiz, acc, inv] = layout(n * 4, n * 4, w * 8, w * 4);
  f32(s, n).set(src.subarray(0, n));
  kernels().boxMean(s, w, h, r, s, horiz, acc, inv);
  out.set(f32(s, n));
  return out;
}
