import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runBench } from '../../bench/run-bench.ts';
import { hasShared } from '../helpers/shared-data.ts';

const out = mkdtempSync(path.join(os.tmpdir(), 'anelo-bench-test-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.skipIf(!hasShared('media', 'carphone-176x144.mp4'))('npm run bench --tiny', () => {
  it('runs retune and quality on 20 carphone frames and writes the JSON and the Markdown table', async () => {
    const { results, jsonPath, mdPath, markdown } = await runBench(['--tiny', '--cases', 'retune,quality', '--out', out, '--silent']);

    expect(existsSync(jsonPath) && existsSync(mdPath)).toBe(true);
    expect(JSON.parse(readFileSync(jsonPath, 'utf8')).scale).toBe('tiny');
    expect(results.machine.cores).toBeGreaterThan(0);
    expect(markdown).toContain('| case | figure | value | target |');

    const retune = results.cases.retune;
    if ('error' in retune) throw new Error(retune.error);
    const depthFrames = retune.figures.filter((f) => f.name.startsWith('depth frames computed in retune'));
    expect(depthFrames.map((f) => f.value)).toEqual([0, 0]);
    expect(retune.figures.find((f) => f.name === 'retune smooth.strength / cold')?.value).toBeGreaterThan(0);

    const quality = results.cases.quality;
    if ('error' in quality) throw new Error(quality.error);
    const value = (name: string) => quality.figures.find((f) => f.name === name)?.value;
    expect(value('flicker smoothed/raw · carphone-176x144')).toBeGreaterThan(0);
    // The renderer with ground-truth disparity must beat not warping at all.
    expect(value('cones PSNR in mask · GT disparity')!).toBeGreaterThan(value('cones PSNR in mask · no warp (left as right)')!);
    expect(results.targets.length).toBeGreaterThan(0);
  }, 30_000);

  it('records a failing case as {error} and still runs the next one', async () => {
    const { results, markdown } = await runBench(['--tiny', '--cases', 'memory,retune', '--out', out, '--silent'], {
      memory: async () => {
        throw new Error('disk full');
      },
    });
    expect(results.cases.memory).toMatchObject({ error: 'disk full' });
    expect('figures' in results.cases.retune).toBe(true);
    expect(markdown).toContain('| memory | **error** | disk full |');
  }, 30_000);
});
