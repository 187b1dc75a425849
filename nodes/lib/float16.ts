/**
 * IEEE 754 half-precision conversion. Depth is rounded to float16 when computed, so the memory and disk cache
 * tiers (which store float16) hold exactly the bytes a fresh computation produces.
 */
import { f32, kernels, layout, u16, u8 } from './kernels/wasm.ts';

const one = new Float32Array(1);
const oneBits = new Uint32Array(one.buffer);

/** float32 → float16 bits, round to nearest even. */
export function toFloat16Bits(value: number): number {
  one[0] = value;
  const x = oneBits[0];
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
 * Encodes a float32 array as float16 bits, by the WebAssembly kernel (kernels/assembly/float16.ts): the fast path
 * four values at a time, the rest as toFloat16Bits does it (the same bits).
 */
export function encodeFloat16(src: Float32Array, out = new Uint16Array(src.length)): Uint16Array {
  const n = src.length;
  const [ps, po] = layout(n * 4, n * 2);
  f32(ps, n).set(src);
  kernels().encodeFloat16(ps, n, po);
  out.set(u16(po, n));
  return out;
}

/**
 * `use` called with the float16 encoding of `src` as bytes, in kernel memory: valid only during the call (and
 * only until `use` calls a kernel itself), and no array is allocated for it (what hashing a depth frame needs).
 */
export function withFloat16<T>(src: Float32Array, use: (bytes: Uint8Array) => T): T {
  const n = src.length;
  const [ps, po] = layout(n * 4, n * 2);
  f32(ps, n).set(src);
  kernels().encodeFloat16(ps, n, po);
  return use(u8(po, n * 2));
}

/** Decodes float16 bits into float32 values. */
export function decodeFloat16(src: Uint16Array, out = new Float32Array(src.length)): Float32Array {
  for (let i = 0; i < src.length; i++) out[i] = TABLE[src[i]];
  return out;
}

/** Rounds every value to the nearest float16 in place and returns the array (by the WebAssembly kernel). */
export function roundToFloat16(values: Float32Array): Float32Array {
  // The same rounding as encodeFloat16, kept in float32 form: the low 13 mantissa bits cleared after the carry.
  const n = values.length;
  const [p] = layout(n * 4);
  f32(p, n).set(values);
  kernels().roundToFloat16(p, n);
  values.set(f32(p, n));
  return values;
}
