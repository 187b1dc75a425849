import { describe, expect, it } from 'vitest';
import { decodeFloat16, encodeFloat16, fromFloat16Bits, roundToFloat16, toFloat16Bits } from '../../../nodes/lib/float16.ts';

/** Every exponent, each with mantissas at and around the rounding ties, both signs, plus the special values. */
function awkwardFloats(): Float32Array {
  const bits: number[] = [];
  for (let e = 0; e < 256; e++) {
    for (const m of [0, 1, 0xfff, 0x1000, 0x1001, 0x1fff, 0x2000, 0x3000, 0x5000, 0x7fe000, 0x7fefff, 0x7ff000, 0x7ff001, 0x7fffff]) {
      bits.push((e << 23) | m, 0x80000000 | (e << 23) | m);
    }
    for (let k = 0; k < 64; k++) bits.push((e << 23) | ((k * 0x2f1a3b) & 0x7fffff));
  }
  return new Float32Array(new Uint32Array(bits).buffer);
}

describe('float16', () => {
  it('encodes and rounds arrays to exactly the bits of the scalar conversion (ties to even, overflow, subnormals, NaN)', () => {
    const values = awkwardFloats();
    const expected = Uint16Array.from(values, (v) => toFloat16Bits(v));
    expect(encodeFloat16(values)).toEqual(expected);
    const rounded = roundToFloat16(Float32Array.from(values));
    for (let i = 0; i < values.length; i++) {
      const want = fromFloat16Bits(expected[i]);
      if (Number.isNaN(want)) expect(rounded[i]).toBeNaN();
      else expect(Object.is(rounded[i], Math.fround(want)) || rounded[i] === want, `at ${values[i]}`).toBe(true);
    }
  });

  it('round-trips: decoding what was encoded gives the rounded values', () => {
    const values = Float32Array.from({ length: 1000 }, (_, i) => Math.sin(i) * 10 ** ((i % 9) - 4));
    expect(decodeFloat16(encodeFloat16(values))).toEqual(roundToFloat16(Float32Array.from(values)));
  });

  it('rounds a view into a larger buffer without touching the values around it', () => {
    const whole = Float32Array.from([1.0001, 2.0001, 3.0001, 4.0001]);
    roundToFloat16(whole.subarray(1, 3));
    expect([...whole]).toEqual([Math.fround(1.0001), 2, 3, Math.fround(4.0001)]);
  });
});
