/**
 * Area-averaging resize of RGB24, written out pixel by pixel as the definition nodes/lib/area-resize-rgb.ts follows
 * (for tests to compare the WebAssembly kernel's bytes with): each output pixel covers a box of sw/dw x sh/dh source
 * pixels; each source column and row weighs by how much of it the box covers, normalised and rounded to float32.
 * Columns first: the covered columns' bytes times their weights, summed in float64 in column order, stored as
 * float32; then rows: those sums times the row weights, summed in float64 in row order, clamped to 0..255 and
 * rounded half up.
 */
function coverage(src: number, dst: number, d: number): { first: number; weights: number[] } {
  const ratio = src / dst;
  const a = d * ratio;
  const b = Math.min(src, (d + 1) * ratio);
  const first = Math.floor(a);
  const end = Math.min(src, Math.ceil(b));
  const covers: number[] = [];
  for (let i = first; i < end; i++) covers.push(Math.min(b, i + 1) - Math.max(a, i));
  // The total of the exact covers; each weight is its cover rounded to float32 over it, rounded again.
  const total = covers.reduce((s, c) => s + c, 0);
  return { first: Math.min(first, src - 1), weights: covers.map((c) => Math.fround(Math.fround(c) / total)) };
}

export function naiveAreaResizeRgb(src: Uint8Array, sw: number, sh: number, dw: number, dh: number): Uint8Array {
  const cols = Array.from({ length: dw }, (_, x) => coverage(sw, dw, x));
  const rows = Array.from({ length: dh }, (_, y) => coverage(sh, dh, y));
  const out = new Uint8Array(dw * dh * 3);
  for (let y = 0; y < dh; y++) {
    for (let x = 0; x < dw; x++) {
      for (let c = 0; c < 3; c++) {
        let v = 0;
        rows[y].weights.forEach((wy, k) => {
          const sy = rows[y].first + k;
          let h = 0;
          cols[x].weights.forEach((wx, j) => {
            h += src[(sy * sw + cols[x].first + j) * 3 + c] * wx;
          });
          v += Math.fround(h) * wy;
        });
        out[(y * dw + x) * 3 + c] = v < 0 ? 0 : v > 255 ? 255 : Math.trunc(v + 0.5);
      }
    }
  }
  return out;
}
