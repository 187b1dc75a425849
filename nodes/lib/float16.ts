/**
 * IEEE 754 half-precision conversion. Depth is rounded to float16 when computed, so the memory and disk cache
 * tiers (which store float16) hold exactly the bytes a fresh computation produces.
 */
const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 → float16 bits, round to nearest even. */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0);
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mant |= 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
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
  return sign | (e << 10) | m;
}

/** float16 bits → number. */
export function fromFloat16Bits(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

const TABLE = new Float32Array(65536);
for (let i = 0; i < 65536; i++) TABLE[i] = fromFloat16Bits(i);

/**
 * float32 bits whose exponent lies in [FAST_LO, FAST_HI] are normal halves after rounding (half exponents 1..29, plus
 * 30 without overflow to 65536): their nearest-even rounding is integer arithmetic on the bits, a carry out of the
 * mantissa stepping the exponent as it should. Everything else (subnormal, huge, NaN, infinities) takes the scalar
 * path, except zeros (±0 stay as they are: normalised depth and motion planes hold many). Both give the same bits;
 * this one is ~4x faster, which matters as every depth frame is rounded and encoded.
 */
const FAST_LO = 113;
const FAST_HI = 141;

/** A view of a Float32Array's bits, without copying. */
const bitsOf = (values: Float32Array): Int32Array => new Int32Array(values.buffer, values.byteOffset, values.length);

/** Encodes a float32 array as float16 bits. */
export function encodeFloat16(src: Float32Array, out = new Uint16Array(src.length)): Uint16Array {
  const bits = bitsOf(src);
  for (let i = 0; i < bits.length; i++) {
    const x = bits[i];
    const e = (x >>> 23) & 0xff;
    if (e >= FAST_LO && e <= FAST_HI) {
      const r = (x & 0x7fffffff) + 0xfff + ((x >>> 13) & 1);
      out[i] = ((x >>> 16) & 0x8000) | ((r >>> 13) - (112 << 10));
    } else if ((x & 0x7fffffff) === 0) out[i] = (x >>> 16) & 0x8000;
    else out[i] = toFloat16Bits(src[i]);
  }
  return out;
}

/** Decodes float16 bits into float32 values. */
export function decodeFloat16(src: Uint16Array, out = new Float32Array(src.length)): Float32Array {
  for (let i = 0; i < src.length; i++) out[i] = TABLE[src[i]];
  return out;
}

/** Rounds every value to the nearest float16 in place and returns the array. */
export function roundToFloat16(values: Float32Array): Float32Array {
  const bits = bitsOf(values);
  for (let i = 0; i < bits.length; i++) {
    const x = bits[i];
    const e = (x >>> 23) & 0xff;
    // The same rounding as encodeFloat16, kept in float32 form: the low 13 mantissa bits cleared after the carry.
    if (e >= FAST_LO && e <= FAST_HI) bits[i] = (x + 0xfff + ((x >>> 13) & 1)) & ~0x1fff;
    else if ((x & 0x7fffffff) !== 0) values[i] = TABLE[toFloat16Bits(values[i])];
  }
  return values;
}
