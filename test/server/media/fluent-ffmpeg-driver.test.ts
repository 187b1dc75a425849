import { describe, expect, it } from 'vitest';
import { startDecoder } from '../../../server/media/fluent-ffmpeg-driver.ts';
import { hasShared, sharedPath } from '../../helpers/shared-data.ts';

describe.skipIf(!hasShared('media/carphone-176x144.mp4'))('ffmpeg driver', () => {
  const clip = (): string => sharedPath('media/carphone-176x144.mp4');
  const raw = ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-frames:v', '3'];

  it('decodes once the shared capability check is done', async () => {
    const d = startDecoder(clip(), [], raw);
    let bytes = 0;
    for await (const piece of d.stream) bytes += (piece as Buffer).length;
    await d.done;
    expect(bytes).toBe(176 * 144 * 3 * 3);
  });

  it('a decoder stopped before ffmpeg starts never starts it, and says so at once', async () => {
    const d = startDecoder(clip(), [], raw);
    d.kill();
    const t0 = performance.now();
    await expect(d.done).rejects.toThrow(/stopped before it started/);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
