/**
 * The largest frame anelo decodes: ANELO_MAX_PIXELS, default 8K UHD (7680x4320). A tiny file can declare a
 * 16000x8000 stream; decoding it costs gigabytes per chunk, so it is refused when probed, before any work.
 */
import { AneloError } from '../../nodes/core/errors.ts';

export const DEFAULT_MAX_PIXELS = 7680 * 4320;

export function maxPixels(env: NodeJS.ProcessEnv = process.env): number {
  const text = env.ANELO_MAX_PIXELS;
  if (text === undefined || text === '') return DEFAULT_MAX_PIXELS;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw new AneloError('ANELO_E050_BAD_ARGUMENT', `ANELO_MAX_PIXELS="${text}": expected a positive whole number of pixels, e.g. ${DEFAULT_MAX_PIXELS}`, { param: 'ANELO_MAX_PIXELS' });
  return n;
}
