/**
 * A packed stereo preview shown to judge depth on a flat screen: as a red/cyan anaglyph, or wiggling between
 * the left and right eye about six times a second. Drawn in the browser from the preview image.
 */
import { useEffect, useRef, useState, type CSSProperties } from 'react';
import type { StereoLayout } from '../../../nodes/core/types.ts';
import { anaglyph, eyesOf, type Rect } from '../lib/stereo-eyes.ts';

/** Eye swaps per second while wiggling. */
export const WIGGLE_HZ = 6;

export type StereoMode = 'anaglyph' | 'wiggle';

function pixels(img: HTMLImageElement, r: Rect): ImageData {
  const c = document.createElement('canvas');
  c.width = r.width;
  c.height = r.height;
  const g = c.getContext('2d', { willReadFrequently: true })!;
  g.drawImage(img, r.x, r.y, r.width, r.height, 0, 0, r.width, r.height);
  return g.getImageData(0, 0, r.width, r.height);
}

export function StereoCanvas({ url, layout, mode, style, testId }: { url: string; layout: StereoLayout; mode: StereoMode; style?: CSSProperties; testId: string }) {
  const ref = useRef<HTMLCanvasElement>(null);
  const [eyes, setEyes] = useState<{ left: ImageData; right: ImageData } | null>(null);
  const [shown, setShown] = useState<'left' | 'right'>('left');

  useEffect(() => {
    let alive = true;
    const img = new Image();
    img.onload = () => {
      const e = eyesOf(layout, img.naturalWidth, img.naturalHeight);
      if (alive && e) setEyes({ left: pixels(img, e.left), right: pixels(img, e.right) });
    };
    img.src = url;
    return () => {
      alive = false;
    };
  }, [url, layout]);

  useEffect(() => {
    if (mode !== 'wiggle') return;
    const t = setInterval(() => setShown((s) => (s === 'left' ? 'right' : 'left')), 1000 / WIGGLE_HZ);
    return () => clearInterval(t);
  }, [mode]);

  useEffect(() => {
    const c = ref.current;
    if (!c || !eyes) return;
    c.width = eyes.left.width;
    c.height = eyes.left.height;
    const g = c.getContext('2d')!;
    if (mode === 'wiggle') g.putImageData(eyes[shown], 0, 0);
    else {
      const out = g.createImageData(c.width, c.height);
      anaglyph(eyes.left.data, eyes.right.data, out.data);
      g.putImageData(out, 0, 0);
    }
    c.dataset.eye = mode === 'wiggle' ? shown : 'both';
  }, [eyes, mode, shown]);

  return <canvas ref={ref} className="preview__stereo" style={style} data-testid={testId} data-mode={mode} />;
}
