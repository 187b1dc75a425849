/**
 * Turbo colour map (Google, 2019) for depth previews: perceptually smoother than jet and readable in greyscale.
 * The polynomial runs slightly darker than the published table at the far end (near black rather than dark blue).
 * Built once as a 256-entry table from Ruofei Du's polynomial fit of the published map.
 */

const TURBO = new Uint8Array(256 * 3);
for (let i = 0; i < 256; i++) {
  const x = i / 255;
  const x2 = x * x, x3 = x2 * x, x4 = x2 * x2, x5 = x4 * x;
  const r = 0.13572138 + 4.6153926 * x - 42.66032258 * x2 + 132.13108234 * x3 - 152.94239396 * x4 + 59.28637943 * x5;
  const g = 0.09140261 + 2.19418839 * x + 4.84296658 * x2 - 14.18503333 * x3 + 4.27729857 * x4 + 2.82956604 * x5;
  const b = 0.1066733 + 12.64194608 * x - 60.58204836 * x2 + 110.36276771 * x3 - 89.90310912 * x4 + 27.34824973 * x5;
  TURBO[i * 3] = Math.round(255 * Math.min(1, Math.max(0, r)));
  TURBO[i * 3 + 1] = Math.round(255 * Math.min(1, Math.max(0, g)));
  TURBO[i * 3 + 2] = Math.round(255 * Math.min(1, Math.max(0, b)));
}

/** RGB24 turbo rendering of normalised depth (0 = far, dark blue; 1 = near, dark red); values outside 0..1 clamp. */
export function turboColormap(depth: Float32Array, out: Uint8Array = new Uint8Array(depth.length * 3)): Uint8Array {
  for (let i = 0, c = 0; i < depth.length; i++, c += 3) {
    const v = depth[i];
    const k = (v <= 0 ? 0 : v >= 1 ? 255 : (v * 255 + 0.5) | 0) * 3;
    out[c] = TURBO[k];
    out[c + 1] = TURBO[k + 1];
    out[c + 2] = TURBO[k + 2];
  }
  return out;
}
