import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../helpers/shared-data.ts';

const exec = promisify(execFile);

async function liveFrames(frames: number): Promise<{ pulled: number; alive: number }> {
  const child = path.join(PROJECT_ROOT, 'test', 'server', 'engine', 'bounded-memory-child.ts');
  const { stdout } = await exec(process.execPath, ['--expose-gc', '--import', 'tsx', child, String(frames)], { cwd: PROJECT_ROOT });
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { pulled: number; alive: number };
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
});
