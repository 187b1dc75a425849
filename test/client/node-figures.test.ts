import { describe, expect, it } from 'vitest';
import { nodeFigures } from '../../client/src/lib/node-figures.ts';

describe('node figures', () => {
  it('reads agreement as AbsRel and δ1, and temporal pairs as before → after', () => {
    expect(nodeFigures({ agreement: 0.1114, delta1: 0.9132 }).map((f) => `${f.label} ${f.value}`)).toEqual(['AbsRel 0.111', 'δ1 0.91']);
    const smooth = nodeFigures({ flickerIn: 0.034, flickerOut: 0.019, motionIn: 1.5, motionOut: 1.5 }).map((f) => `${f.label} ${f.value}`);
    expect(smooth).toEqual(['flicker 0.034 → 0.019', 'motion 1.500 → 1.500']);
  });

  it('shows other statistics by name', () => {
    expect(nodeFigures({ decodeErrors: 0.5, custom: 12.345 }).map((f) => `${f.label} ${f.value}`)).toEqual(['decode errors per frame 0.500', 'custom 12.3']);
    // No decode errors is not worth a line.
    expect(nodeFigures({ decodeErrors: 0 })).toEqual([]);
  });
});
