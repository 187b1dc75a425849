/** Least-squares scale and shift of a relative prediction onto a reference, over the pixels a mask allows. */

export interface ScaleShift {
  scale: number;
  shift: number;
  pixels: number;
}

/** argmin over (s, t) of Σ (s·pred + t − ref)² where valid[i]; degenerate input gives scale 0. */
export function fitScaleShift(pred: Float32Array, ref: Float32Array, valid: (i: number) => boolean): ScaleShift {
  let n = 0;
  let sp = 0;
  let sr = 0;
  let spp = 0;
  let spr = 0;
  for (let i = 0; i < pred.length; i++) {
    if (!valid(i)) continue;
    const p = pred[i];
    const r = ref[i];
    n++;
    sp += p;
    sr += r;
    spp += p * p;
    spr += p * r;
  }
  const det = n * spp - sp * sp;
  if (n === 0 || det === 0) return { scale: 0, shift: n ? sr / n : 0, pixels: n };
  const scale = (n * spr - sp * sr) / det;
  return { scale, shift: (sr - scale * sp) / n, pixels: n };
}

export function applyScaleShift(pred: Float32Array, a: ScaleShift): Float32Array {
  const out = new Float32Array(pred.length);
  for (let i = 0; i < pred.length; i++) out[i] = a.scale * pred[i] + a.shift;
  return out;
}
