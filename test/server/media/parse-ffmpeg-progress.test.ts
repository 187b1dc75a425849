import { describe, expect, it } from 'vitest';
import { parseFfmpegProgress } from '../../../server/media/parse-ffmpeg-progress.ts';

describe('parseFfmpegProgress', () => {
  it('reads frame, fps, time and speed from a status line', () => {
    expect(parseFfmpegProgress('frame=  120 fps= 60 q=28.0 size=     256kB time=00:00:04.80 bitrate= 436.9kbits/s speed=2.41x')).toEqual({
      frame: 120,
      fps: 60,
      timeS: 4.8,
      speed: 2.41,
    });
  });
  it('reads hours and a missing speed', () => {
    expect(parseFfmpegProgress('frame=90000 fps=0.0 q=-1.0 Lsize=N/A time=01:02:03.50 bitrate=N/A')).toEqual({ frame: 90000, fps: 0, timeS: 3723.5, speed: 0 });
  });
  it('ignores lines that are not status lines', () => {
    expect(parseFfmpegProgress('Stream #0:0: Video: h264, yuv420p, 640x360, 24 fps')).toBeUndefined();
    expect(parseFfmpegProgress('frame=N/A time=00:00:01.00')).toBeUndefined();
  });
  it('clamps the negative times ffmpeg prints before the first frame', () => {
    expect(parseFfmpegProgress('frame=    0 fps=0.0 q=0.0 size=0kB time=-00:00:00.04 bitrate=N/A speed=N/A')?.timeS).toBe(0);
  });
});
