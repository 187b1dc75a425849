// One step of the recursive filter along motion trajectories (nodes/lib/trajectory-filter.ts trajectoryStep), with
// the arithmetic of the JavaScript it replaced: the same bits.
import { getF32, setF32, getI32 } from './memory';
import { alloc, mark, release } from './scratch';
import { sampleClamped } from './sample';

const LUT_SIZE = 1024;
const NO_MATCH: f64 = 1000;

/**
 * out = z + a·(state carried along the flow − z), z = fround(zScale·zd + zShift), per pixel of w x h. Motion inputs
 * are per motion cell (nm of them): flow (u, v; 0 when absent), colour mismatch along it, colour change in place
 * (still), colour change around the frame (moving); each pointer 0 when absent. A depth pixel's cell is
 * rows[y] + columns[x]; flow is scaled by sx, sy. Tables: depthLut, colourLut (LUT_SIZE + 1 float32 each),
 * motionLut (256 float32). predValue (w x h) and predTrust (nm) receive the prediction when not 0.
 */
export function trajectoryStep(
  state: usize,
  u: usize,
  v: usize,
  rows: usize,
  columns: usize,
  sx: f64,
  sy: f64,
  nm: i32,
  mismatch: usize,
  still: usize,
  moving: usize,
  zd: usize,
  zScale: f64,
  zShift: f64,
  w: i32,
  h: i32,
  depthLut: usize,
  depthScale: f64,
  colourLut: usize,
  colourScale: f64,
  memoryShare: f64,
  motionLut: usize,
  out: usize,
  predValue: usize,
  predTrust: usize,
): void {
  const at = mark();
  const trustAt = alloc(nm * 4);
  const dxAt = alloc(nm * 4);
  const dyAt = alloc(nm * 4);
  const inPlace = alloc(nm);
  memory.fill(dxAt, 0, <usize>(nm * 4));
  memory.fill(dyAt, 0, <usize>(nm * 4));
  memory.fill(inPlace, 0, <usize>nm);
  for (let mi = 0; mi < nm; mi++) {
    let m: f64 = mismatch ? getF32(mismatch, mi) : 0;
    if (still && getF32(still, mi) < m) {
      m = getF32(still, mi);
      store<u8>(inPlace + <usize>mi, 1);
    } else if (u && v) {
      setF32(dxAt, mi, getF32(u, mi) * sx);
      setF32(dyAt, mi, getF32(v, mi) * sy);
    } else store<u8>(inPlace + <usize>mi, 1);
    let trust: f64 = 1;
    if (moving) {
      const ch = getF32(moving, mi);
      trust *= getF32(motionLut, ch < 255 ? <i32>ch : 255);
    }
    if (mismatch) {
      const kc = m >= NO_MATCH ? LUT_SIZE : <i32>(m * colourScale);
      trust *= getF32(colourLut, kc < LUT_SIZE ? kc : LUT_SIZE);
    }
    setF32(trustAt, mi, trust);
    if (predTrust) setF32(predTrust, mi, trust);
  }
  for (let y = 0, i = 0; y < h; y++) {
    const row = getI32(rows, y);
    for (let x = 0; x < w; x++, i++) {
      const mi = row + getI32(columns, x);
      const trust = getF32(trustAt, mi);
      const zv = <f64><f32>(zScale * getF32(zd, i) + zShift);
      if (trust === 0) {
        setF32(out, i, zv);
        if (predValue) setF32(predValue, i, zv);
        continue;
      }
      let c: f64;
      if (load<u8>(inPlace + <usize>mi) === 1) c = getF32(state, i);
      else c = sampleClamped(state, w, h, <f64>x + getF32(dxAt, mi), <f64>y + getF32(dyAt, mi));
      if (predValue) setF32(predValue, i, c);
      const diff = c - zv;
      const kd = <i32>((diff < 0 ? -diff : diff) * depthScale);
      setF32(out, i, kd >= LUT_SIZE ? zv : zv + memoryShare * getF32(depthLut, kd) * trust * diff);
    }
  }
  release(at);
}
