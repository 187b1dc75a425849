/** The size a frame is resized to before it enters the model, from the manifest's size rule. */
import type { ModelInputSpec } from './model-manifest.ts';

/** Round half to even, as the reference (transformers) preprocessors do, so sizes match theirs exactly. */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function toMultiple(x: number, m: number): number {
  return Math.max(m, roundHalfEven(x / m) * m);
}

/**
 * Model input size for a `width`x`height` frame. `inputSize` > 0 overrides the manifest's target (the short or
 * long side for keep-aspect models; both sides for fixed-size models whose file accepts other sizes).
 */
export function modelInputSize(spec: ModelInputSpec, width: number, height: number, inputSize = 0): { width: number; height: number } {
  const s = spec.size;
  if (s.mode === 'fixed') return inputSize > 0 ? { width: inputSize, height: inputSize } : { width: s.width, height: s.height };
  const target = inputSize > 0 ? inputSize : s.target;
  const ref = s.side === 'short' ? Math.min(width, height) : Math.max(width, height);
  const k = target / ref;
  return { width: toMultiple(width * k, s.multipleOf), height: toMultiple(height * k, s.multipleOf) };
}
