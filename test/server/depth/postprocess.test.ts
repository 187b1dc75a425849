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

  it('gives pixels a depth model left without depth (<= epsilon) their answered neighbours\' depth, so no frame\'s range jumps to 1 / epsilon', () => {
    const spec = { name: 'o', kind: 'depth', metric: true, units: 'm', nearIs: 'smaller', epsilon: 0.001 } as const;
    // 12 x 8 at 2 m, a blob of zeros in the top middle with a blurred edge (0.05 m, then 0.6 m: nearer than half the
    // median, 1 m), a near object at 0.5 m in the bottom left that touches none of it.
    const w = 12;
    const h = 8;
    const depth = new Float32Array(w * h).fill(2);
    const at = (x: number, y: number, v: number) => (depth[y * w + x] = v);
    for (let y = 0; y < 2; y++) for (let x = 5; x < 8; x++) at(x, y, y === 0 ? 0 : -0.2);
    for (let x = 4; x < 9; x++) at(x, 2, 0.05);
    at(4, 0, 0.6);
    at(8, 1, 0.6);
    for (let y = 6; y < 8; y++) for (let x = 0; x < 2; x++) at(x, y, 0.5);
    const out = toDisparity(depth.slice(), spec, { width: w, height: h });
    // The blob and its edge: the surroundings' 0.5, where 1000 and 20 were; the near object keeps its 2.
    expect(Math.max(...out)).toBe(2);
    for (let y = 0; y < 3; y++) for (let x = 4; x < 9; x++) expect(out[y * w + x]).toBe(0.5);
    for (let y = 6; y < 8; y++) for (let x = 0; x < 2; x++) expect(out[y * w + x]).toBe(2);
    expect(out.filter((v) => v === 0.5).length).toBe(w * h - 4);
    // Without the frame's size (no neighbours to read), as before: 1 / epsilon.
    expect(toDisparity(depth.slice(), spec)[5]).toBe(1000);
    // A frame every pixel of which has depth is the plain 1 / depth, bit for bit.
    const plain = new Float32Array(w * h).map((_, i) => 0.3 + i / 50);
    expect(Array.from(toDisparity(plain.slice(), spec, { width: w, height: h }))).toEqual(Array.from(toDisparity(plain.slice(), spec)));
    // The whole batch path fills too.
    expect(Math.max(...postprocessOutput(depth, 1, w, h, spec)[0])).toBe(2);
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
