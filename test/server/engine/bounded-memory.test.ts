import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../helpers/shared-data.ts';

const exec = promisify(execFile);

async function liveFrames(frames: number, workers = 0, side = 128, budgetMB = 0): Promise<{ pulled: number; alive: number; arrayBuffersMB: number }> {
  const child = path.join(PROJECT_ROOT, 'test', 'server', 'engine', 'bounded-memory-child.ts');
  const { stdout } = await exec(process.execPath, ['--expose-gc', '--import', 'tsx', child, String(frames), String(workers), String(side), String(budgetMB)], { cwd: PROJECT_ROOT });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { pulled: number; alive: number; arrayBuffersMB: number };
}

describe('memory of a run', () => {
  it('holds a few chunks in flight whatever the length: what is computed is let go once its readers are done', async () => {
    const short = await liveFrames(160);
    const long = await liveFrames(1600);
    expect([short.pulled, long.pulled]).toEqual([160, 1600]);
    // Chunks of 16 frames, a temporal window of one and a read-ahead of two: a handful of chunks, not the video.
    expect(long.alive).toBeLessThanOrEqual(6 * 16);
    expect(long.alive).toBeLessThanOrEqual(short.alive + 16);
  });

  it('with the worker pool, shared frame memory stays a few chunks too (workers collect what they were handed)', async () => {
    // 600 frames of 768 KiB: 450 MiB went through the pool's threads (hashed there, for a memory tier that keeps a
    // 12 MiB chunk), in 12 MiB chunks.
    const r = await liveFrames(600, 2, 512, 16);
    expect(r.pulled).toBe(600);
    expect(r.arrayBuffersMB).toBeLessThan(320);
  });
});
