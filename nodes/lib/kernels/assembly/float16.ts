// float32 → float16 rounding and encoding (nodes/lib/float16.ts). float32 bits whose exponent lies in 113..141 are
// normal halves after rounding (half exponents 1..29, plus 30 without overflow to 65536): their nearest-even
// rounding is integer arithmetic on the bits, a carry out of the mantissa stepping the exponent as it should. That
// path takes four values at a time when all four qualify; zeros keep their sign; everything else (subnormal, huge,
// NaN, infinities) goes through halfBits. The same bits either way.

/** float32 bits → float16 bits, round to nearest even (every case: subnormal, overflow, NaN). */
function halfBits(x: u32): u32 {
  const sign = (x >>> 16) & 0x8000;
  const exp = <i32>((x >>> 23) & 0xff);
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = <u32>(14 - e);
    const half: u32 = 1 << (shift - 1);
    let m = mant >>> shift;
    const rest = mant & ((1 << shift) - 1);
    if (rest > half || (rest === half && (m & 1))) m++;
    return sign | m;
  }
  let m = mant >>> 13;
  const rest = mant & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && (m & 1))) {
    m++;
    if (m === 0x400) {
      m = 0;
      e++;
      if (e >= 0x1f) return sign | 0x7c00;
    }
  }
  return sign | (<u32>e << 10) | m;
}

/** float16 bits → the float32 of the same value. */
function halfValue(h: u32): f32 {
  const sign: f64 = h & 0x8000 ? -1 : 1;
  const exp = <i32>((h >>> 10) & 0x1f);
  const mant = <f64>(h & 0x3ff);
  if (exp === 0) return <f32>(sign * mant * (1.0 / 16777216.0));
  if (exp === 0x1f) return mant !== 0 ? NaN : <f32>(sign * Infinity);
  return <f32>(sign * (1 + mant / 1024) * reinterpret<f64>(<u64>(exp - 15 + 1023) << 52));
}

@inline function fastLanes(x: v128): bool {
  const e = v128.and(i32x4.shr_u(x, 23), i32x4.splat(0xff));
  return v128.all_true<i32>(v128.and(i32x4.ge_u(e, i32x4.splat(113)), i32x4.le_u(e, i32x4.splat(141))));
}

@inline function encodeOne(x: u32): u32 {
  const e = (x >>> 23) & 0xff;
  if (e >= 113 && e <= 141) {
    const r = (x & 0x7fffffff) + 0xfff + ((x >>> 13) & 1);
    return ((x >>> 16) & 0x8000) | ((r >>> 13) - (112 << 10));
  }
  if ((x & 0x7fffffff) === 0) return (x >>> 16) & 0x8000;
  return halfBits(x);
}

/** n float32 values at `src` → n float16 bit patterns at `out`. */
export function encodeFloat16(src: usize, n: i32, out: usize): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const x = v128.load(src + (<usize>i << 2));
    if (fastLanes(x)) {
      const r = i32x4.add(i32x4.add(v128.and(x, i32x4.splat(0x7fffffff)), i32x4.splat(0xfff)), v128.and(i32x4.shr_u(x, 13), i32x4.splat(1)));
      const hb = v128.or(v128.and(i32x4.shr_u(x, 16), i32x4.splat(0x8000)), i32x4.sub(i32x4.shr_u(r, 13), i32x4.splat(112 << 10)));
      v128.store64_lane(out + (<usize>i << 1), i16x8.narrow_i32x4_u(hb, hb), 0);
    } else {
      for (let k = 0; k < 4; k++) store<u16>(out + (<usize>(i + k) << 1), <u16>encodeOne(load<u32>(src + (<usize>(i + k) << 2))));
    }
  }
  for (; i < n; i++) store<u16>(out + (<usize>i << 1), <u16>encodeOne(load<u32>(src + (<usize>i << 2))));
}

@inline function roundOne(p: usize): void {
  const x = load<u32>(p);
  const e = (x >>> 23) & 0xff;
  if (e >= 113 && e <= 141) store<u32>(p, (x + 0xfff + ((x >>> 13) & 1)) & ~0x1fff);
  else if ((x & 0x7fffffff) !== 0) store<f32>(p, halfValue(halfBits(x)));
}

/** Rounds n float32 values at `values` to the nearest float16, in place. */
export function roundToFloat16(values: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const p = values + (<usize>i << 2);
    const x = v128.load(p);
    if (fastLanes(x)) {
      const r = i32x4.add(i32x4.add(x, i32x4.splat(0xfff)), v128.and(i32x4.shr_u(x, 13), i32x4.splat(1)));
      v128.store(p, v128.and(r, i32x4.splat(~0x1fff)));
    } else {
      for (let k = 0; k < 4; k++) roundOne(p + (<usize>k << 2));
    }
  }
  for (; i < n; i++) roundOne(values + (<usize>i << 2));
}
