/**
 * How the analysis stages (depth model, scene detection, motion, edge guide) see the pixels of an HDR source.
 *
 * Decoded HDR frames hold the PQ (SMPTE ST 2084) or HLG (ARIB STD-B67) signal in 8 bits. Passed through as they are
 * (encode converts back and declares the same transfer, so the output stays HDR), but read as a picture they are
 * dim and flat: PQ puts SDR reference white (203 cd/m², ITU-R BT.2408) at code 149 of 255 and everything below it in
 * the lower 58 % of the range. A depth model trained on SDR pictures, and the thresholds of the cut detector, then
 * see a different picture from the one a viewer does (on a PQ copy of bikes-cuts, FastDepth's depth of one frame
 * correlated −0.01 with that of the SDR original, and four of five cuts were missed).
 *
 * The view maps each code value through the transfer's EOTF to display light relative to reference white, rolls
 * off the highlights above it, and encodes the result with the BT.1886 gamma, as an SDR display would show a
 * tone-mapped picture. It is per channel (a 256-entry table), so every stage applies it with one lookup per byte
 * and, where it reads a reduced image, after the reduction. Primaries are left as they are: a BT.2020 picture seen
 * as BT.709 is less saturated, which these stages hardly notice (luminance structure drives them).
 */
import type { AnalysisView, ColourTags, StreamInfo } from '../core/types.ts';

/** SDR reference white in display light (ITU-R BT.2408), cd/m². */
const REFERENCE_WHITE = 203;
/** Display light (relative to reference white) below which the view is linear; above it, highlights roll off. */
const KNEE = 0.75;
/** HLG's nominal display peak and system gamma at that peak (ITU-R BT.2100). */
const HLG_PEAK = 1000;
const HLG_GAMMA = 1.2;
/** BT.1886 display gamma. */
const GAMMA = 2.4;

/** The view an HDR stream's analysis takes; undefined for SDR or undeclared transfers (seen as they are). */
export function analysisView(colour: ColourTags | undefined): AnalysisView | undefined {
  if (colour?.transfer === 'smpte2084') return 'pq';
  if (colour?.transfer === 'arib-std-b67') return 'hlg';
  return undefined;
}

/**
 * What the view adds to a cache key: nothing for SDR (so its keys are those of before the view existed), its name
 * and version for HDR (so a change of the mapping recomputes what depends on it).
 */
export function analysisViewKey(colour: ColourTags | undefined): string {
  const view = analysisView(colour);
  return view ? `sdr-view:${view}:1` : '';
}

/**
 * A node's `identity` when it reads its `port` input as a picture: the view's key (nothing for SDR). One definition
 * for every such node, so they cannot disagree on what enters the key.
 */
export function pictureIdentity(port = 'frames'): (ctx: { inputs: Record<string, StreamInfo | undefined> }) => Promise<string> {
  return async (ctx) => analysisViewKey(ctx.inputs[port]?.colour);
}

/** PQ EOTF: signal 0..1 → display light in cd/m² (SMPTE ST 2084). */
export function pqToNits(e: number): number {
  const m1 = 2610 / 16384;
  const m2 = (2523 / 4096) * 128;
  const c1 = 3424 / 4096;
  const c2 = (2413 / 4096) * 32;
  const c3 = (2392 / 4096) * 32;
  const p = Math.pow(Math.max(0, e), 1 / m2);
  return 10000 * Math.pow(Math.max(p - c1, 0) / (c2 - c3 * p), 1 / m1);
}

/** HLG: signal 0..1 → display light in cd/m² on a 1000 cd/m² display (inverse OETF, then the OOTF per channel). */
export function hlgToNits(e: number): number {
  const a = 0.17883277;
  const b = 1 - 4 * a;
  const c = 0.5 - a * Math.log(4 * a);
  const v = Math.max(0, e);
  const scene = v <= 0.5 ? (v * v) / 3 : (Math.exp((v - c) / a) + b) / 12;
  return HLG_PEAK * Math.pow(scene, HLG_GAMMA);
}

/** Display light relative to reference white → 0..1: linear up to the knee, then a smooth roll-off towards 1. */
export function rollOff(x: number): number {
  if (x <= KNEE) return Math.max(0, x);
  return KNEE + (1 - KNEE) * (1 - Math.exp(-(x - KNEE) / (1 - KNEE)));
}

const tables = new Map<AnalysisView, Uint8Array>();

/** The view's code-value table: lut[v] is what the analysis sees for 8-bit signal v. */
export function analysisLut(view: AnalysisView): Uint8Array {
  let lut = tables.get(view);
  if (!lut) {
    lut = new Uint8Array(256);
    const toNits = view === 'pq' ? pqToNits : hlgToNits;
    for (let v = 0; v < 256; v++) lut[v] = Math.round(255 * Math.pow(rollOff(toNits(v / 255) / REFERENCE_WHITE), 1 / GAMMA));
    tables.set(view, lut);
  }
  return lut;
}

/** The table for a stream, or undefined when its pixels are seen as they are. */
export function analysisLutFor(colour: ColourTags | undefined): Uint8Array | undefined {
  const view = analysisView(colour);
  return view ? analysisLut(view) : undefined;
}

/** Applies a code-value table to every byte of `rgb` (in place when `out` is `rgb`). */
export function applyLut(rgb: Uint8Array, lut: Uint8Array, out: Uint8Array = new Uint8Array(rgb.length)): Uint8Array {
  for (let i = 0; i < rgb.length; i++) out[i] = lut[rgb[i]];
  return out;
}
