/** The pixel shape streams carry, read as a ratio. */
import { describe, expect, it } from 'vitest';
import { sampleAspectRatio } from '../../../nodes/core/sample-aspect.ts';

describe('sampleAspectRatio', () => {
  it('reads "width:height" as width / height, and anything else as square', () => {
    expect(sampleAspectRatio('8:9')).toBeCloseTo(8 / 9, 12);
    expect(sampleAspectRatio('4:3')).toBeCloseTo(4 / 3, 12);
    for (const v of [undefined, '', '0:1', '1:0', '8/9', 'x:y']) expect(sampleAspectRatio(v), String(v)).toBe(1);
  });
});
