/**
 * Packs a left/right pair into the frame a player expects: side-by-side or top-bottom (full or squeezed to the
 * source size), cross-eyed (swapped SBS), a red–cyan anaglyph, one eye alone, or the depth map as grey.
 */
import type { StereoLayout } from '../core/types.ts';
import { areaResizeRgb } from './area-resize-rgb.ts';
import type { EyeSlot } from './dibr.ts';
import { sharedBytes } from './shared-frames.ts';

/** Output frame size of a layout for eyes of w x h. */
export function layoutSize(layout: StereoLayout, w: number, h: number): { width: number; height: number } {
  switch (layout) {
    case 'sbs-full':
    case 'cross-eyed':
      return { width: 2 * w, height: h };
    case 'tb-full':
      return { width: w, height: 2 * h };
    default:
      return { width: w, height: h };
  }
}

/** True when a layout needs the left/right eye (so the warp can skip the other). */
export function layoutUsesEye(layout: StereoLayout, eye: 'left' | 'right'): boolean {
  if (layout === 'depth') return false;
  if (layout === 'left') return eye === 'left';
  if (layout === 'right') return eye === 'right';
  return true;
}

// Dubois least-squares red–cyan matrices (row-major, applied to linear RGB), from E. Dubois, "A projection method
// to generate anaglyph stereo images", ICASSP 2001, as published on his site for red–cyan glasses.
const DUBOIS_LEFT = [0.456, 0.5, 0.176, -0.04, -0.038, -0.016, -0.015, -0.021, -0.005];
const DUBOIS_RIGHT = [-0.043, -0.088, -0.002, 0.378, 0.734, -0.018, -0.072, -0.113, 1.226];

const TO_LINEAR = new Float32Array(256);
for (let i = 0; i < 256; i++) {
  const c = i / 255;
  TO_LINEAR[i] = c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}
const ENCODE_STEPS = 4096;
const TO_SRGB = new Uint8Array(ENCODE_STEPS + 1);
for (let i = 0; i <= ENCODE_STEPS; i++) {
  const c = i / ENCODE_STEPS;
  const s = c <= 0.0031308 ? c * 12.92 : 1.055 * c ** (1 / 2.4) - 0.055;
  TO_SRGB[i] = Math.round(s * 255);
}

/** Red–cyan anaglyph of two RGB24 eyes (Dubois), in linear light. */
export function anaglyph(left: Uint8Array, right: Uint8Array, w: number, h: number): Uint8Array {
  const out = sharedBytes(w * h * 3);
  const L = DUBOIS_LEFT;
  const R = DUBOIS_RIGHT;
  for (let c = 0; c < w * h * 3; c += 3) {
    const lr = TO_LINEAR[left[c]], lg = TO_LINEAR[left[c + 1]], lb = TO_LINEAR[left[c + 2]];
    const rr = TO_LINEAR[right[c]], rg = TO_LINEAR[right[c + 1]], rb = TO_LINEAR[right[c + 2]];
    for (let k = 0; k < 3; k++) {
      const v = L[k * 3] * lr + L[k * 3 + 1] * lg + L[k * 3 + 2] * lb + R[k * 3] * rr + R[k * 3 + 1] * rg + R[k * 3 + 2] * rb;
      out[c + k] = TO_SRGB[v <= 0 ? 0 : v >= 1 ? ENCODE_STEPS : (v * ENCODE_STEPS + 0.5) | 0];
    }
  }
  return out;
}

/** Grey RGB24 of normalised depth (0 black = far, 1 white = near). */
export function depthToGray(depth: Float32Array, w: number, h: number): Uint8Array {
  const out = sharedBytes(w * h * 3);
  for (let i = 0, c = 0; i < w * h; i++, c += 3) {
    const v = depth[i];
    out[c] = out[c + 1] = out[c + 2] = v <= 0 ? 0 : v >= 1 ? 255 : (v * 255 + 0.5) | 0;
  }
  return out;
}

/** Copies `src` (sw x sh RGB24) into `dst` (dw wide) at (x, y). */
/**
 * Where each eye's rows lie in a layout that packs both at full size (side-by-side, cross-eyed, top-bottom), so they
 * can be rendered in place; undefined for the layouts that show one eye, blend or squeeze them.
 */
export function eyeSlots(layout: StereoLayout, w: number, h: number): { left: EyeSlot; right: EyeSlot } | undefined {
  const row = w * 3;
  switch (layout) {
    case 'sbs-full':
      return { left: { offset: 0, stride: 2 * row }, right: { offset: row, stride: 2 * row } };
    case 'cross-eyed':
      return { left: { offset: row, stride: 2 * row }, right: { offset: 0, stride: 2 * row } };
    case 'tb-full':
      return { left: { offset: 0, stride: row }, right: { offset: h * row, stride: row } };
    default:
      return undefined;
  }
}

function blit(src: Uint8Array, sw: number, sh: number, dst: Uint8Array, dw: number, x: number, y: number): void {
  for (let row = 0; row < sh; row++) dst.set(src.subarray(row * sw * 3, (row + 1) * sw * 3), ((y + row) * dw + x) * 3);
}

/**
 * Composes the output frame of `layout` from eyes of w x h. `depth` (normalised, w x h) is needed for 'depth' only;
 * eyes a layout does not use may be omitted.
 */
export function composeLayout(
  layout: StereoLayout,
  w: number,
  h: number,
  left: Uint8Array | undefined,
  right: Uint8Array | undefined,
  depth?: Float32Array,
): Uint8Array {
  const { width, height } = layoutSize(layout, w, h);
  const need = (eye: Uint8Array | undefined): Uint8Array => {
    if (!eye) throw new Error(`layout ${layout} needs both eyes`);
    return eye;
  };
  switch (layout) {
    case 'left':
      return need(left);
    case 'right':
      return need(right);
    case 'depth':
      if (!depth) throw new Error('layout depth needs the depth map');
      return depthToGray(depth, w, h);
    case 'anaglyph':
      return anaglyph(need(left), need(right), w, h);
    case 'sbs-full':
    case 'cross-eyed': {
      const out = sharedBytes(width * height * 3);
      const [a, b] = layout === 'sbs-full' ? [need(left), need(right)] : [need(right), need(left)];
      blit(a, w, h, out, width, 0, 0);
      blit(b, w, h, out, width, w, 0);
      return out;
    }
    case 'tb-full': {
      const out = sharedBytes(width * height * 3);
      blit(need(left), w, h, out, width, 0, 0);
      blit(need(right), w, h, out, width, 0, h);
      return out;
    }
    case 'sbs-half': {
      // Odd widths give the right eye the extra column.
      const out = sharedBytes(width * height * 3);
      const lw = Math.floor(w / 2);
      blit(areaResizeRgb(need(left), w, h, lw, h), lw, h, out, width, 0, 0);
      blit(areaResizeRgb(need(right), w, h, w - lw, h), w - lw, h, out, width, lw, 0);
      return out;
    }
    case 'tb-half': {
      const out = sharedBytes(width * height * 3);
      const lh = Math.floor(h / 2);
      blit(areaResizeRgb(need(left), w, h, w, lh), w, lh, out, width, 0, 0);
      blit(areaResizeRgb(need(right), w, h, w, h - lh), w, h - lh, out, width, 0, lh);
      return out;
    }
  }
}
