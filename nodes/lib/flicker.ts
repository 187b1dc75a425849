/**
 * The flicker figure: how much normalised depth changes from one frame to the next where the picture itself does
 * not (a static-region mask from colour), averaged over frame pairs that do not straddle a scene cut. Zero is
 * perfectly stable; per-frame model noise typically reads 0.01–0.05.
 */

/** Colour changes (max over channels, 0..255) at or above this mark a pixel as moving. */
export const STATIC_COLOUR_THRESHOLD = 10;

/**
 * Mean |b - a| over pixels whose colour (RGB24 at depth resolution) changed less than `threshold`; over all pixels
 * when colour is not given. NaN when no pixel is static.
 */
export function pairFlicker(
  a: Float32Array,
  b: Float32Array,
  colourA?: Uint8Array,
  colourB?: Uint8Array,
  threshold = STATIC_COLOUR_THRESHOLD,
): number {
  let sum = 0;
  let count = 0;
  if (colourA && colourB) {
    for (let x = 0, c = 0; x < a.length; x++, c += 3) {
      const dr = Math.abs(colourA[c] - colourB[c]);
      const dg = Math.abs(colourA[c + 1] - colourB[c + 1]);
      const db = Math.abs(colourA[c + 2] - colourB[c + 2]);
      if (dr >= threshold || dg >= threshold || db >= threshold) continue;
      sum += Math.abs(b[x] - a[x]);
      count++;
    }
  } else {
    for (let x = 0; x < a.length; x++) sum += Math.abs(b[x] - a[x]);
    count = a.length;
  }
  return count > 0 ? sum / count : NaN;
}

/**
 * Flicker of a run of normalised depth frames: the mean of pairFlicker over consecutive pairs, skipping pairs whose
 * second frame starts a scene (`sceneStart[k]` = 1) and pairs with no static pixel. `pairs` says how many counted.
 */
export function flicker(
  depth: readonly Float32Array[],
  colour?: readonly Uint8Array[],
  sceneStart?: Uint8Array,
  threshold = STATIC_COLOUR_THRESHOLD,
): { value: number; pairs: number } {
  let total = 0;
  let pairs = 0;
  for (let k = 1; k < depth.length; k++) {
    if (sceneStart && sceneStart[k] === 1) continue;
    const f = pairFlicker(depth[k - 1], depth[k], colour?.[k - 1], colour?.[k], threshold);
    if (Number.isNaN(f)) continue;
    total += f;
    pairs++;
  }
  return { value: pairs > 0 ? total / pairs : 0, pairs };
}
