/**
 * Where the two eyes sit in a packed stereo frame, and a red/cyan anaglyph of them: how the viewer shows a
 * stereo preview on a flat screen (anaglyph with red/cyan glasses, or wiggling between the eyes).
 */
import type { StereoLayout } from '../../../nodes/core/types.ts';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface Eyes {
  left: Rect;
  right: Rect;
  /** Width / height one eye is shown at (half-width layouts squeeze each eye; it is shown unsqueezed). */
  aspect: number;
}

/** The eyes of a `width`x`height` frame in `layout`; undefined for layouts that do not hold two eyes. */
export function eyesOf(layout: StereoLayout, width: number, height: number): Eyes | undefined {
  const hw = Math.floor(width / 2);
  const hh = Math.floor(height / 2);
  const leftHalf = { x: 0, y: 0, width: hw, height };
  const rightHalf = { x: hw, y: 0, width: hw, height };
  const top = { x: 0, y: 0, width, height: hh };
  const bottom = { x: 0, y: hh, width, height: hh };
  switch (layout) {
    case 'sbs-full':
      return { left: leftHalf, right: rightHalf, aspect: hw / height };
    case 'sbs-half':
      return { left: leftHalf, right: rightHalf, aspect: width / height };
    case 'cross-eyed':
      return { left: rightHalf, right: leftHalf, aspect: hw / height };
    case 'tb-full':
      return { left: top, right: bottom, aspect: width / hh };
    case 'tb-half':
      return { left: top, right: bottom, aspect: width / height };
    default:
      return undefined;
  }
}

/**
 * Red/cyan anaglyph of two same-size RGBA eyes: red from the left eye, green and blue from the right (the usual
 * glasses have the red filter on the left). Written into `out` (RGBA, opaque).
 */
export function anaglyph(left: Uint8ClampedArray, right: Uint8ClampedArray, out: Uint8ClampedArray): Uint8ClampedArray {
  for (let i = 0; i < out.length; i += 4) {
    out[i] = left[i];
    out[i + 1] = right[i + 1];
    out[i + 2] = right[i + 2];
    out[i + 3] = 255;
  }
  return out;
}
