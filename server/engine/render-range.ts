/** The frames a render covers, from the range asked for and the length of what it renders. */
import { AneloError } from '../../nodes/core/errors.ts';

/** A warning about a render as a whole, as a run-warning event carries it. */
export interface RenderWarning {
  code: 'ANELO_E033_FRAME_OUT_OF_RANGE';
  message: string;
}

export interface RenderRange {
  frames: { start: number; end: number };
  /** Said when the range asked for ends past the input: the render stops at its last frame. */
  warning?: RenderWarning;
}

/**
 * Frames [start, end) of a stream of `total` frames: the whole stream by default, an end past it cut to it (with a
 * warning, so a render of 100:500 of a 120-frame clip says it made 20 frames instead of leaving it to be noticed), and
 * a range with nothing in it refused (E013).
 */
export function renderRange(total: number, want?: { start: number; end?: number }): RenderRange {
  const start = want?.start ?? 0;
  const end = Math.min(want?.end ?? total, total);
  if (!(start >= 0 && end > start)) {
    throw new AneloError('ANELO_E013_EMPTY_RANGE', `frames ${start}:${want?.end ?? ''} select nothing of ${total} frames`, {});
  }
  const frames = { start, end };
  if (want?.end === undefined || want.end <= total) return { frames };
  return { frames, warning: { code: 'ANELO_E033_FRAME_OUT_OF_RANGE', message: `frames ${start}:${want.end} end past the input's ${total} frames: rendering ${start}:${end}` } };
}
