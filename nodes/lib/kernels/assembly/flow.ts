// Dense optical flow and the motion planes (nodes/lib/optical-flow.ts, nodes/lib/motion-planes.ts): coarse-to-fine
// Lucas–Kanade with the structure tensor of the reference image, the forward–backward check and the colour
// mismatch along the flow. The arithmetic of the JavaScript they replaced (float64 on float32 arrays): the same bits.
import { boxMean } from './box-mean';
import { getF32, setF32, getU8, getI32, setI32 } from './memory';
import { alloc, mark, release } from './scratch';
import { lerp2, sampleClamped } from './sample';

const MIN_LEVEL_SIDE = 12;
const REGULARISER: f64 = 4;
const MAX_STEP: f64 = 2;
const NO_MATCH: f64 = 1000;

/** Luma (0..255) of n RGB24 pixels, BT.601 weights. */
export function lumaFromRgb(rgb: usize, n: i32, out: usize): void {
  for (let i = 0, c = 0; i < n; i++, c += 3) setF32(out, i, 0.299 * getU8(rgb, c) + 0.587 * getU8(rgb, c + 1) + 0.114 * getU8(rgb, c + 2));
}

/** The next pyramid level of s (sw x sh) into d ((sw >> 1) x (sh >> 1)): [1 4 6 4 1]/16 both ways, every other pixel. */
function halve(s: usize, sw: i32, sh: i32, d: usize): void {
  const w = sw >> 1;
  const h = sh >> 1;
  const at = mark();
  const rows = alloc(w * sh * 4);
  for (let y = 0; y < sh; y++) {
    const r = y * sw;
    for (let x = 0; x < w; x++) {
      const c = 2 * x;
      const l2 = c >= 2 ? c - 2 : 0;
      const l1 = c >= 1 ? c - 1 : 0;
      const r1 = c + 1 < sw ? c + 1 : sw - 1;
      const r2 = c + 2 < sw ? c + 2 : sw - 1;
      setF32(rows, y * w + x, 0.0625 * (getF32(s, r + l2) + getF32(s, r + r2)) + 0.25 * (getF32(s, r + l1) + getF32(s, r + r1)) + 0.375 * getF32(s, r + c));
    }
  }
  for (let y = 0; y < h; y++) {
    const c = 2 * y;
    const u2 = (c >= 2 ? c - 2 : 0) * w;
    const u1 = (c >= 1 ? c - 1 : 0) * w;
    const d1 = (c + 1 < sh ? c + 1 : sh - 1) * w;
    const d2 = (c + 2 < sh ? c + 2 : sh - 1) * w;
    const m = c * w;
    for (let x = 0; x < w; x++) {
      setF32(d, y * w + x, 0.0625 * (getF32(rows, u2 + x) + getF32(rows, d2 + x)) + 0.25 * (getF32(rows, u1 + x) + getF32(rows, d1 + x)) + 0.375 * getF32(rows, m + x));
    }
  }
  release(at);
}

/**
 * The pyramid of img (w x h): level descriptors at the returned pointer, three int32 each (width, height, data
 * pointer), level 0 the image itself; the count at `countAt`.
 */
function pyramid(img: usize, w: i32, h: i32, countAt: usize): usize {
  const levels = alloc(16 * 3 * 4);
  setI32(levels, 0, w);
  setI32(levels, 1, h);
  setI32(levels, 2, <i32>img);
  let n = 1;
  while (min(getI32(levels, (n - 1) * 3), getI32(levels, (n - 1) * 3 + 1)) >= 2 * MIN_LEVEL_SIDE) {
    const sw = getI32(levels, (n - 1) * 3);
    const sh = getI32(levels, (n - 1) * 3 + 1);
    const d = alloc((sw >> 1) * (sh >> 1) * 4);
    halve(<usize>getI32(levels, (n - 1) * 3 + 2), sw, sh, d);
    setI32(levels, n * 3, sw >> 1);
    setI32(levels, n * 3 + 1, sh >> 1);
    setI32(levels, n * 3 + 2, <i32>d);
    n++;
  }
  store<i32>(countAt, n);
  return levels;
}

/** Bilinear sample of src at (x + u, y + v) for every pixel, coordinates clamped to the image. */
export function warpBilinear(src: usize, w: i32, h: i32, u: usize, v: usize, out: usize): void {
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) setF32(out, i, sampleClamped(src, w, h, <f64>x + getF32(u, i), <f64>y + getF32(v, i)));
  }
}

// Where locate() put its position, for the samples taken there: rows starting at atR0 and atR1, columns atX0 and
// atX1, weights atFx (of atX1) and atFy (of atR1).
let atR0 = 0;
let atR1 = 0;
let atX0 = 0;
let atX1 = 0;
let atFx: f64 = 0;
let atFy: f64 = 0;

/** sampleClamped's position of (px, py) in a w x h image, for several planes sampled there. */
@inline function locate(w: i32, h: i32, px: f64, py: f64): void {
  const sx = max(0.0, min(<f64>(w - 1), px));
  const sy = max(0.0, min(<f64>(h - 1), py));
  atX0 = <i32>sx;
  const y0 = <i32>sy;
  atX1 = atX0 < w - 1 ? atX0 + 1 : atX0;
  atR0 = y0 * w;
  atR1 = (y0 < h - 1 ? y0 + 1 : y0) * w;
  atFx = sx - <f64>atX0;
  atFy = sy - <f64>y0;
}

/** warpBilinear of two planes along one flow (both samples from the same position, worked out once). */
function warpBilinearPair(a: usize, b: usize, w: i32, h: i32, u: usize, v: usize, outA: usize, outB: usize): void {
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      locate(w, h, <f64>x + getF32(u, i), <f64>y + getF32(v, i));
      setF32(outA, i, lerp2(a, atR0, atR1, atX0, atX1, atFx, atFy));
      setF32(outB, i, lerp2(b, atR0, atR1, atX0, atX1, atFx, atFy));
    }
  }
}

/** Flow (u, v at fw x fh) resampled bilinearly to w x h into (ou, ov), vectors scaled by the size ratio. */
function resizeFlow(u: usize, v: usize, fw: i32, fh: i32, w: i32, h: i32, ou: usize, ov: usize): void {
  const sx = <f64>fw / <f64>w;
  const sy = <f64>fh / <f64>h;
  const fwMax = <f64>(fw - 1);
  const fhMax = <f64>(fh - 1);
  for (let y = 0, i = 0; y < h; y++) {
    let yy = (<f64>y + 0.5) * sy - 0.5;
    yy = yy < 0 ? 0 : yy > fhMax ? fhMax : yy;
    const y0 = <i32>yy;
    const ty = yy - <f64>y0;
    const y1 = y0 < fh - 1 ? y0 + 1 : y0;
    for (let x = 0; x < w; x++, i++) {
      let xx = (<f64>x + 0.5) * sx - 0.5;
      xx = xx < 0 ? 0 : xx > fwMax ? fwMax : xx;
      const x0 = <i32>xx;
      const tx = xx - <f64>x0;
      const x1 = x0 < fw - 1 ? x0 + 1 : x0;
      const a = y0 * fw;
      const b = y1 * fw;
      const uu = (1 - ty) * ((1 - tx) * getF32(u, a + x0) + tx * getF32(u, a + x1)) + ty * ((1 - tx) * getF32(u, b + x0) + tx * getF32(u, b + x1));
      const vv = (1 - ty) * ((1 - tx) * getF32(v, a + x0) + tx * getF32(v, a + x1)) + ty * ((1 - tx) * getF32(v, b + x0) + tx * getF32(v, b + x1));
      setF32(ou, i, uu / sx);
      setF32(ov, i, vv / sy);
    }
  }
}

/** Central-difference gradients, one-sided at the borders. */
function gradients(img: usize, w: i32, h: i32, gx: usize, gy: usize): void {
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const up = (y > 0 ? y - 1 : y) * w;
    const down = (y < h - 1 ? y + 1 : y) * w;
    const sy: f64 = y > 0 && y < h - 1 ? 0.5 : 1;
    for (let x = 0; x < w; x++) {
      const l = x > 0 ? x - 1 : x;
      const r = x < w - 1 ? x + 1 : x;
      const sx: f64 = x > 0 && x < w - 1 ? 0.5 : 1;
      setF32(gx, row + x, (getF32(img, row + r) - getF32(img, row + l)) * sx);
      setF32(gy, row + x, (getF32(img, down + x) - getF32(img, up + x)) * sy);
    }
  }
}

/** Box mean with scratch of its own (released after). */
function box(src: usize, w: i32, h: i32, r: i32, out: usize): void {
  const at = mark();
  boxMean(src, w, h, r, out, alloc(w * h * 4), alloc(w * 8), alloc(w * 4));
  release(at);
}

/** Refines the flow (u, v) in place at one level: ref and target w x h. */
function refineLevel(ref: usize, target: usize, w: i32, h: i32, u: usize, v: usize, iterations: i32, radius: i32): void {
  const n = w * h;
  const at = mark();
  const gx = alloc(n * 4);
  const gy = alloc(n * 4);
  gradients(ref, w, h, gx, gy);
  const t = alloc(n * 4);
  const sxx = alloc(n * 4);
  const sxy = alloc(n * 4);
  const syy = alloc(n * 4);
  for (let i = 0; i < n; i++) setF32(t, i, getF32(gx, i) * getF32(gx, i));
  box(t, w, h, radius, sxx);
  for (let i = 0; i < n; i++) setF32(t, i, getF32(gx, i) * getF32(gy, i));
  box(t, w, h, radius, sxy);
  for (let i = 0; i < n; i++) setF32(t, i, getF32(gy, i) * getF32(gy, i));
  box(t, w, h, radius, syy);
  for (let i = 0; i < n; i++) {
    const a = getF32(sxx, i) + REGULARISER;
    const c = getF32(syy, i) + REGULARISER;
    const b = getF32(sxy, i);
    const inv = 1 / (a * c - b * b);
    setF32(sxx, i, c * inv);
    setF32(syy, i, a * inv);
    setF32(sxy, i, -b * inv);
  }
  const warped = alloc(n * 4);
  const bx = alloc(n * 4);
  const by = alloc(n * 4);
  const xMax = <f64>(w - 1);
  const yMax = <f64>(h - 1);
  for (let it = 0; it < iterations; it++) {
    warpBilinear(target, w, h, u, v, warped);
    for (let y = 0, i = 0; y < h; y++) {
      for (let x = 0; x < w; x++, i++) {
        const tx = <f64>x + getF32(u, i);
        const ty = <f64>y + getF32(v, i);
        const d = tx < 0 || ty < 0 || tx > xMax || ty > yMax ? 0 : getF32(warped, i) - getF32(ref, i);
        setF32(t, i, getF32(gx, i) * d);
        setF32(warped, i, getF32(gy, i) * d);
      }
    }
    box(t, w, h, radius, bx);
    box(warped, w, h, radius, by);
    for (let i = 0; i < n; i++) {
      let du = -(getF32(sxx, i) * getF32(bx, i) + getF32(sxy, i) * getF32(by, i));
      let dv = -(getF32(sxy, i) * getF32(bx, i) + getF32(syy, i) * getF32(by, i));
      du = du > MAX_STEP ? MAX_STEP : du < -MAX_STEP ? -MAX_STEP : du;
      dv = dv > MAX_STEP ? MAX_STEP : dv < -MAX_STEP ? -MAX_STEP : dv;
      setF32(u, i, getF32(u, i) + du);
      setF32(v, i, getF32(v, i) + dv);
    }
  }
  release(at);
}

/** Dense flow from ref to target (grey w x h) into (u, v), solved down to pyramid level `finestLevel`. */
export function denseFlow(ref: usize, target: usize, w: i32, h: i32, iterations: i32, radius: i32, finestLevel: i32, u: usize, v: usize): void {
  const at = mark();
  const count = alloc(16);
  const a = pyramid(ref, w, h, count);
  const levels = load<i32>(count);
  const b = pyramid(target, w, h, count);
  const finest = min(max(0, finestLevel), levels - 1);
  let fu: usize = 0;
  let fv: usize = 0;
  let fw = 0;
  let fh = 0;
  for (let l = levels - 1; l >= finest; l--) {
    const lw = getI32(a, l * 3);
    const lh = getI32(a, l * 3 + 1);
    const nu = alloc(lw * lh * 4);
    const nv = alloc(lw * lh * 4);
    if (fu) resizeFlow(fu, fv, fw, fh, lw, lh, nu, nv);
    else {
      memory.fill(nu, 0, <usize>(lw * lh * 4));
      memory.fill(nv, 0, <usize>(lw * lh * 4));
    }
    refineLevel(<usize>getI32(a, l * 3 + 2), <usize>getI32(b, l * 3 + 2), lw, lh, nu, nv, iterations, radius);
    fu = nu;
    fv = nv;
    fw = lw;
    fh = lh;
  }
  if (fw === w && fh === h) {
    memory.copy(u, fu, <usize>(w * h * 4));
    memory.copy(v, fv, <usize>(w * h * 4));
  } else resizeFlow(fu, fv, fw, fh, w, h, u, v);
  release(at);
}

/**
 * 1 where flow f (A→B) is confirmed by g (B→A): f then g comes back within 0.01 (|f|²+|g|²) + slack px², and f
 * stays in the image; else 0.
 */
export function consistentFlow(fu: usize, fv: usize, gu0: usize, gv0: usize, w: i32, h: i32, out: usize, slack: f64): void {
  const n = w * h;
  const at = mark();
  const gu = alloc(n * 4);
  const gv = alloc(n * 4);
  warpBilinearPair(gu0, gv0, w, h, fu, fv, gu, gv);
  const xMax = <f64>(w - 1);
  const yMax = <f64>(h - 1);
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      const u = getF32(fu, i);
      const v = getF32(fv, i);
      const tx = <f64>x + u;
      const ty = <f64>y + v;
      if (tx < 0 || ty < 0 || tx > xMax || ty > yMax) {
        store<u8>(out + <usize>i, 0);
        continue;
      }
      const bu = getF32(gu, i);
      const bv = getF32(gv, i);
      const su = u + bu;
      const sv = v + bv;
      const mag = u * u + v * v + bu * bu + bv * bv;
      store<u8>(out + <usize>i, su * su + sv * sv < 0.01 * mag + slack ? 1 : 0);
    }
  }
  release(at);
}

/** Max-channel difference between cur and prev warped along (u, v) (pixels of cur); NO_MATCH where ok is 0. */
function warpedMismatch(cur: usize, prev: usize, w: i32, h: i32, u: usize, v: usize, ok: usize, out: usize): void {
  // Each channel of prev sampled as warpBilinear samples a float32 plane of it (a byte is its float32 exactly),
  // from one position per pixel; the sample rounded to float32 as that plane stored it; the largest difference kept
  // as float32, channel by channel in order, as the running maximum in `out` was.
  for (let y = 0, i = 0; y < h; y++) {
    for (let x = 0; x < w; x++, i++) {
      if (load<u8>(ok + <usize>i) === 0) {
        setF32(out, i, NO_MATCH);
        continue;
      }
      locate(w, h, <f64>x + getF32(u, i), <f64>y + getF32(v, i));
      let m: f64 = 0;
      for (let ch = 0; ch < 3; ch++) {
        const d = Math.abs(getU8(cur, i * 3 + ch) - <f64><f32>lerpBytes(prev, atR0, atR1, atX0, atX1, atFx, atFy, ch));
        if (d > m) m = <f64><f32>d;
      }
      setF32(out, i, m);
    }
  }
}

/** lerp2 over channel ch of an RGB24 image (the byte as its float32 value). */
@inline function lerpBytes(rgb: usize, r0: i32, r1: i32, i0: i32, i1: i32, f: f64, fy: f64, ch: i32): f64 {
  const s0 = getU8(rgb, (r0 + i0) * 3 + ch);
  const s1 = getU8(rgb, (r1 + i0) * 3 + ch);
  const a = s0 + f * (getU8(rgb, (r0 + i1) * 3 + ch) - s0);
  const b = s1 + f * (getU8(rgb, (r1 + i1) * 3 + ch) - s1);
  return a + fy * (b - a);
}

@inline function planeOf(out: usize, n: i32, k: i32): usize {
  return out + (<usize>(k * n) << 2);
}

/**
 * The eight motion planes between RGB24 frames prev and cur (w x h) into out (8·w·h float32): back flow (u, v), its
 * mismatch, forth flow (u, v), its mismatch, the colour change, and the colour change again (the moving plane).
 */
export function measureMotion(prev: usize, cur: usize, w: i32, h: i32, iterations: i32, radius: i32, finestLevel: i32, slack: f64, out: usize): void {
  const n = w * h;
  const at = mark();
  const a = alloc(n * 4);
  const b = alloc(n * 4);
  lumaFromRgb(cur, n, a);
  lumaFromRgb(prev, n, b);
  denseFlow(a, b, w, h, iterations, radius, finestLevel, planeOf(out, n, 0), planeOf(out, n, 1));
  denseFlow(b, a, w, h, iterations, radius, finestLevel, planeOf(out, n, 3), planeOf(out, n, 4));
  const ok = alloc(n);
  consistentFlow(planeOf(out, n, 0), planeOf(out, n, 1), planeOf(out, n, 3), planeOf(out, n, 4), w, h, ok, slack);
  warpedMismatch(cur, prev, w, h, planeOf(out, n, 0), planeOf(out, n, 1), ok, planeOf(out, n, 2));
  consistentFlow(planeOf(out, n, 3), planeOf(out, n, 4), planeOf(out, n, 0), planeOf(out, n, 1), w, h, ok, slack);
  warpedMismatch(prev, cur, w, h, planeOf(out, n, 3), planeOf(out, n, 4), ok, planeOf(out, n, 5));
  const change = planeOf(out, n, 6);
  for (let i = 0, c = 0; i < n; i++, c += 3) {
    const dr = abs<i32>(<i32>load<u8>(cur + <usize>c) - <i32>load<u8>(prev + <usize>c));
    const dg = abs<i32>(<i32>load<u8>(cur + <usize>c + 1) - <i32>load<u8>(prev + <usize>c + 1));
    const db = abs<i32>(<i32>load<u8>(cur + <usize>c + 2) - <i32>load<u8>(prev + <usize>c + 2));
    setF32(change, i, <f64>(dr > dg ? (dr > db ? dr : db) : dg > db ? dg : db));
  }
  memory.copy(planeOf(out, n, 7), change, <usize>(n * 4));
  release(at);
}

/**
 * The change plane from colour at the depth size (dw x dh): each motion pixel (w x h) holds the largest
 * max-channel change of the depth pixels that read it (nearest-pixel mapping).
 */
export function pooledChange(prev: usize, cur: usize, dw: i32, dh: i32, w: i32, h: i32, out: usize): void {
  memory.fill(out, 0, <usize>(w * h * 4));
  const at = mark();
  const column = alloc(dw * 4);
  for (let x = 0; x < dw; x++) setI32(column, x, min(w - 1, <i32>Math.floor(((<f64>x + 0.5) * <f64>w) / <f64>dw)));
  for (let y = 0, c = 0; y < dh; y++) {
    const row = min(h - 1, <i32>Math.floor(((<f64>y + 0.5) * <f64>h) / <f64>dh)) * w;
    for (let x = 0; x < dw; x++, c += 3) {
      const dr = abs<i32>(<i32>load<u8>(cur + <usize>c) - <i32>load<u8>(prev + <usize>c));
      const dg = abs<i32>(<i32>load<u8>(cur + <usize>c + 1) - <i32>load<u8>(prev + <usize>c + 1));
      const db = abs<i32>(<i32>load<u8>(cur + <usize>c + 2) - <i32>load<u8>(prev + <usize>c + 2));
      const d = <f64>(dr > dg ? (dr > db ? dr : db) : dg > db ? dg : db);
      const mi = row + getI32(column, x);
      if (d > getF32(out, mi)) setF32(out, mi, d);
    }
  }
  release(at);
}
