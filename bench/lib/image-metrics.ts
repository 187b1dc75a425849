/** PSNR and SSIM of RGB24 images over the pixels a mask selects (SSIM on luma, 11x11 Gaussian, σ 1.5). */

const C1 = (0.01 * 255) ** 2;
const C2 = (0.03 * 255) ** 2;

/** PSNR in dB over masked pixels (all three channels). */
export function maskedPsnr(a: Uint8Array, b: Uint8Array, mask: (i: number) => boolean): number {
  let se = 0;
  let n = 0;
  for (let i = 0; i < a.length / 3; i++) {
    if (!mask(i)) continue;
    for (let c = 0; c < 3; c++) {
      const d = a[i * 3 + c] - b[i * 3 + c];
      se += d * d;
    }
    n += 3;
  }
  if (n === 0) return NaN;
  const mse = se / n;
  return mse === 0 ? Infinity : 10 * Math.log10((255 * 255) / mse);
}

function luma(rgb: Uint8Array): Float32Array {
  const out = new Float32Array(rgb.length / 3);
  for (let i = 0; i < out.length; i++) out[i] = 0.299 * rgb[i * 3] + 0.587 * rgb[i * 3 + 1] + 0.114 * rgb[i * 3 + 2];
  return out;
}

function gaussianKernel(radius: number, sigma: number): Float32Array {
  const k = new Float32Array(radius * 2 + 1);
  let sum = 0;
  for (let i = -radius; i <= radius; i++) sum += k[i + radius] = Math.exp(-(i * i) / (2 * sigma * sigma));
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/** Separable blur with clamped edges. */
function blur(src: Float32Array, w: number, h: number, k: Float32Array): Float32Array {
  const r = (k.length - 1) / 2;
  const tmp = new Float32Array(src.length);
  const out = new Float32Array(src.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let j = -r; j <= r; j++) s += k[j + r] * src[y * w + Math.min(w - 1, Math.max(0, x + j))];
      tmp[y * w + x] = s;
    }
  }
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let j = -r; j <= r; j++) s += k[j + r] * tmp[Math.min(h - 1, Math.max(0, y + j)) * w + x];
      out[y * w + x] = s;
    }
  }
  return out;
}

/** Mean SSIM (luma) over masked pixels. */
export function maskedSsim(a: Uint8Array, b: Uint8Array, w: number, h: number, mask: (i: number) => boolean): number {
  const x = luma(a);
  const y = luma(b);
  const k = gaussianKernel(5, 1.5);
  const xx = new Float32Array(x.length);
  const yy = new Float32Array(x.length);
  const xy = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    xx[i] = x[i] * x[i];
    yy[i] = y[i] * y[i];
    xy[i] = x[i] * y[i];
  }
  const mx = blur(x, w, h, k);
  const my = blur(y, w, h, k);
  const sxx = blur(xx, w, h, k);
  const syy = blur(yy, w, h, k);
  const sxy = blur(xy, w, h, k);
  let sum = 0;
  let n = 0;
  for (let i = 0; i < x.length; i++) {
    if (!mask(i)) continue;
    const vx = sxx[i] - mx[i] * mx[i];
    const vy = syy[i] - my[i] * my[i];
    const cxy = sxy[i] - mx[i] * my[i];
    sum += ((2 * mx[i] * my[i] + C1) * (2 * cxy + C2)) / ((mx[i] * mx[i] + my[i] * my[i] + C1) * (vx + vy + C2));
    n++;
  }
  return n ? sum / n : NaN;
}
