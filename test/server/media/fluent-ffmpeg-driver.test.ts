import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { startDecoder, startEncoder } from '../../../server/media/fluent-ffmpeg-driver.ts';
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

  it('hands on the pipe reads as they came, never joined into a new buffer, even when the reader fell behind', async () => {
    const d = startDecoder(clip(), [], ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-frames:v', '40']);
    // Let ffmpeg fill the stream's buffer before reading anything.
    await new Promise((r) => setTimeout(r, 1500));
    const sizes: number[] = [];
    for await (const piece of d.stream) sizes.push((piece as Buffer).length);
    await d.done;
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(176 * 144 * 3 * 40);
    // A pipe read is at most 64 KiB; a byte-mode stream returned everything buffered as one joined Buffer.
    expect(Math.max(...sizes)).toBeLessThanOrEqual(65536);
  });

  it.runIf(process.platform === 'linux')('starts ffmpeg from the spawn helper, five nice steps below this process', async () => {
    const d = startDecoder(clip(), [], ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-frames:v', '60']);
    const it = d.stream[Symbol.asyncIterator]();
    await it.next(); // ffmpeg is running
    const childrenOf = (pid: string): string[] => {
      try {
        return readdirSync(`/proc/${pid}/task`).flatMap((t) => readFileSync(`/proc/${pid}/task/${t}/children`, 'utf8').split(' ').filter(Boolean));
      } catch {
        return [];
      }
    };
    const decodes = (pid: string): boolean => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('carphone-176x144.mp4');
      } catch {
        return false;
      }
    };
    const mine = childrenOf(String(process.pid));
    // Not a child of this process (whose fork would copy all of its memory's page tables), but of the helper's.
    expect(mine.filter(decodes)).toEqual([]);
    const ffmpegs = mine.flatMap(childrenOf).filter(decodes);
    expect(ffmpegs).toHaveLength(1);
    const stat = readFileSync(`/proc/${ffmpegs[0]}/stat`, 'utf8');
    const nice = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
    expect(nice).toBe(Math.min(19, os.getPriority(process.pid) + 5));
    d.kill();
    await expect(d.done).rejects.toThrow(/killed with signal SIGKILL/);
  });

  it('a decoder that fails says why, with the end of what ffmpeg printed', async () => {
    const d = startDecoder(clip(), [], ['-f', 'rawvideo', '-pix_fmt', 'no-such-format']);
    for await (const piece of d.stream) void piece;
    await expect(d.done).rejects.toThrow(/ffmpeg exited with code \d+\n[\s\S]*no-such-format/);
    // What ffmpeg said about the job, not its banner (version, build configuration).
    await expect(d.done).rejects.not.toThrow(/configuration:|libavcodec/);
  });

  it('an encoder that cannot write its output says why, without ffmpeg\'s banner', async () => {
    const videoIn = new PassThrough();
    const e = startEncoder({
      videoIn,
      videoInputOptions: ['-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', '16x16', '-r', '25'],
      outputOptions: ['-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-f', 'mp4'],
      output: path.join(os.tmpdir(), `anelo-no-such-folder-${process.pid}`, 'out.mp4'),
    });
    videoIn.end(Buffer.alloc(16 * 16 * 3));
    await expect(e.done).rejects.toThrow(/No such file or directory/);
    await expect(e.done).rejects.not.toThrow(/configuration:|libavcodec/);
  });

  it('a decoder stopped before ffmpeg starts never starts it, and says so at once', async () => {
    const d = startDecoder(clip(), [], raw);
    d.kill();
    const t0 = performance.now();
    await expect(d.done).rejects.toThrow(/stopped before it started/);
    expect(performance.now() - t0).toBeLessThan(2000);
  });
});
