import { describe, expect, it } from 'vitest';
import { postprocessOutput, toDisparity } from '../../../server/depth/postprocess.ts';
import { fromFloat16Bits, toFloat16Bits } from '../../../nodes/lib/float16.ts';

const f16 = (v: number): number => fromFloat16Bits(toFloat16Bits(v));

describe('postprocess', () => {
  it('keeps raw disparity (no per-frame min-max) rounded to float16', () => {
    const out = toDisparity(Float32Array.of(5, 10, 100, 1234.567), { name: 'o', kind: 'disparity', metric: false, nearIs: 'larger' });
    expect(Array.from(out)).toEqual([5, 10, 100, f16(1234.567)]);
    expect(out[3]).not.toBe(Math.fround(1234.567));
  });

  it('turns depth into disparity as 1 / max(depth, epsilon), so near is larger', () => {
    const out = toDisparity(Float32Array.of(2, 4, 3, 0, -1), { name: 'o', kind: 'depth', metric: true, units: 'm', nearIs: 'smaller', epsilon: 0.001 });
    expect(Array.from(out)).toEqual([0.5, 0.25, f16(1 / 3), 1000, 1000]);
    expect(out[0]).toBeGreaterThan(out[1]);
  });

  it('negates a disparity output whose manifest says near is smaller', () => {
    expect(Array.from(toDisparity(Float32Array.of(1, 2), { name: 'o', kind: 'disparity', metric: false, nearIs: 'smaller' }))).toEqual([-1, -2]);
  });

  it('splits a batch into independent per-frame copies', () => {
    const data = Float32Array.of(1, 2, 3, 4, 5, 6, 7, 8);
    const frames = postprocessOutput(data, 2, 2, 2, { name: 'o', kind: 'disparity', metric: false, nearIs: 'larger' });
    expect(frames.map((f) => Array.from(f))).toEqual([[1, 2, 3, 4], [5, 6, 7, 8]]);
    expect(frames[1].buffer).not.toBe(data.buffer);
  });
});
