import { describe, expect, it } from 'vitest';
import { analysisLut, analysisLutFor, analysisView, analysisViewKey, applyLut, hlgToNits, pictureIdentity, pqToNits, rollOff } from '../../../nodes/lib/sdr-view.ts';

/** PQ inverse EOTF (SMPTE ST 2084), written out here independently of the module: cd/m² → signal 0..1. */
function nitsToPq(nits: number): number {
  const y = Math.pow(nits / 10000, 2610 / 16384);
  return Math.pow((3424 / 4096 + ((2413 / 4096) * 32) * y) / (1 + ((2392 / 4096) * 32) * y), (2523 / 4096) * 128);
}

describe('the SDR view of HDR sources', () => {
  it('applies to PQ and HLG only; SDR and undeclared streams are seen as they are, with their cache keys unchanged', () => {
    expect(analysisView({ transfer: 'smpte2084' })).toBe('pq');
    expect(analysisView({ transfer: 'arib-std-b67', primaries: 'bt2020' })).toBe('hlg');
    for (const c of [undefined, {}, { transfer: 'bt709' }, { matrix: 'bt2020nc', primaries: 'bt2020', transfer: 'bt2020-10' }]) {
      expect(analysisView(c)).toBeUndefined();
      expect(analysisLutFor(c)).toBeUndefined();
      expect(analysisViewKey(c)).toBe('');
    }
    expect(analysisViewKey({ transfer: 'smpte2084' })).not.toBe(analysisViewKey({ transfer: 'arib-std-b67' }));
  });

  it('gives nodes that read a picture the view\'s key of the port they read, and nothing for SDR', async () => {
    const frames = (transfer?: string) => ({ type: 'frames' as const, width: 8, height: 8, fps: 25, frameCount: 1, colour: transfer ? { transfer } : undefined });
    expect(await pictureIdentity()({ inputs: { frames: frames('smpte2084') } })).toBe(analysisViewKey({ transfer: 'smpte2084' }));
    expect(await pictureIdentity()({ inputs: { frames: frames('bt709') } })).toBe('');
    expect(await pictureIdentity()({ inputs: {} })).toBe('');
    expect(await pictureIdentity('guide')({ inputs: { guide: frames('arib-std-b67'), frames: frames() } })).toBe(analysisViewKey({ transfer: 'arib-std-b67' }));
  });

  it('decodes the transfers by their standards', () => {
    expect(pqToNits(1)).toBeCloseTo(10000, 0);
    expect(pqToNits(0)).toBe(0);
    for (const nits of [0.1, 1, 100, 203, 1000, 4000]) expect(pqToNits(nitsToPq(nits)) / nits).toBeCloseTo(1, 4);
    // HLG: 75 % signal is reference white on a 1000 cd/m² display (ITU-R BT.2408), 100 % its peak.
    expect(hlgToNits(0.75)).toBeGreaterThan(195);
    expect(hlgToNits(0.75)).toBeLessThan(210);
    expect(hlgToNits(1)).toBeCloseTo(1000, 0);
  });

  it('shows reference white as SDR white, black as black, and keeps every step in order', () => {
    const pq = analysisLut('pq');
    const hlg = analysisLut('hlg');
    expect(pq[0]).toBe(0);
    expect(hlg[0]).toBe(0);
    // 203 cd/m² → the roll-off's value at 1, a near-white grey; the brightest codes reach white.
    const white = Math.round(255 * Math.pow(rollOff(1), 1 / 2.4));
    expect(white).toBeGreaterThan(240);
    expect(Math.abs(pq[Math.round(255 * nitsToPq(203))] - white)).toBeLessThanOrEqual(2);
    expect(Math.abs(hlg[Math.round(255 * 0.75)] - white)).toBeLessThanOrEqual(2);
    expect(pq[255]).toBe(255);
    expect(hlg[255]).toBe(255);
    // Mid grey (18 % of reference white) lands where an SDR display shows it, not in the dark third.
    const grey = Math.round(255 * Math.pow(0.18, 1 / 2.4));
    expect(Math.abs(pq[Math.round(255 * nitsToPq(0.18 * 203))] - grey)).toBeLessThanOrEqual(3);
    for (let v = 1; v < 256; v++) {
      expect(pq[v]).toBeGreaterThanOrEqual(pq[v - 1]);
      expect(hlg[v]).toBeGreaterThanOrEqual(hlg[v - 1]);
    }
  });

  it('maps a frame byte by byte, into a copy unless told to work in place', () => {
    const lut = analysisLut('pq');
    const rgb = new Uint8Array([0, 100, 149, 255]);
    const out = applyLut(rgb, lut);
    expect([...out]).toEqual([lut[0], lut[100], lut[149], lut[255]]);
    expect([...rgb]).toEqual([0, 100, 149, 255]);
    applyLut(rgb, lut, rgb);
    expect([...rgb]).toEqual([...out]);
  });
});
