/** Reading ffprobe's fields: what a damaged or unusual header gives. */
import { describe, expect, it } from 'vitest';
import { sampleAspectOf } from '../../../server/media/probe.ts';

describe('sampleAspectOf', () => {
  it('reads DVD and HDV pixel shapes in lowest terms, turned with the picture', () => {
    expect(sampleAspectOf({ sample_aspect_ratio: '8:9' })).toBe('8:9');
    expect(sampleAspectOf({ sample_aspect_ratio: '16:12' })).toBe('4:3');
    expect(sampleAspectOf({ sample_aspect_ratio: '8:9' }, 90)).toBe('9:8');
    expect(sampleAspectOf({ sample_aspect_ratio: '8:9' }, 180)).toBe('8:9');
  });

  it('says nothing for square pixels, a header that declares none or an unknown one, or an implausible one', () => {
    for (const v of [undefined, '1:1', '7:7', 'N/A', '0:1', '1:0', '100:1', '1:9', 'abc']) expect(sampleAspectOf({ sample_aspect_ratio: v }), String(v)).toBeUndefined();
  });
});
