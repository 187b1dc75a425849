/** Parses one of ffmpeg's stderr status lines ("frame=  120 fps= 60 ... time=00:00:04.80 ... speed=2.4x"). */
import type { FfmpegProgress } from '../../nodes/core/types.ts';

const FIELD = /(frame|fps|time|speed)=\s*([^\s]+)/g;

function parseTime(t: string): number {
  const m = /^(-?)(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(t);
  if (!m) return NaN;
  const s = Number(m[2]) * 3600 + Number(m[3]) * 60 + Number(m[4]);
  return m[1] ? -s : s;
}

/** Returns the progress in the line, or undefined when the line is not a status line. */
export function parseFfmpegProgress(line: string): FfmpegProgress | undefined {
  const fields: Record<string, string> = {};
  for (const m of line.matchAll(FIELD)) fields[m[1]] = m[2];
  if (fields.frame === undefined || fields.time === undefined) return undefined;
  const frame = Number(fields.frame);
  const timeS = parseTime(fields.time);
  if (!Number.isFinite(frame) || !Number.isFinite(timeS)) return undefined;
  const fps = Number(fields.fps);
  const speed = Number((fields.speed ?? '').replace(/x$/, ''));
  return { frame, fps: Number.isFinite(fps) ? fps : 0, timeS: Math.max(0, timeS), speed: Number.isFinite(speed) ? speed : 0 };
}
