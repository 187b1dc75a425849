/**
 * The promise users care about most: retuning smoothing or warp never reruns depth. Runs graphs/default.json
 * through the CLI on a real clip with a test model that has Depth Anything's exact contract.
 */
import { execFile } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyOverrides } from '../../server/cli/parse-set.ts';
import { ChunkCache } from '../../server/engine/chunk-cache.ts';
import type { RunReport } from '../../nodes/core/events.ts';
import { Executor } from '../../server/engine/executor.ts';
import { loadGraph } from '../../server/engine/load-graph.ts';
import { createServices } from '../../server/services.ts';
import { hasShared, PROJECT_ROOT, sharedPath } from '../helpers/shared-data.ts';
import { tempModelDir, writeDepthAnythingLike } from '../helpers/test-models.ts';

const exec = promisify(execFile);
let dir: string;
let model: string;

/**
 * The default graph through the CLI on `frames` of bikes-cuts (null: the whole clip), one cache for all unless `cache`
 * names another (a folder in `dir`), with `diskMb` as the disk tier's budget when given.
 */
async function anelo(name: string, set: string[] = [], frames: string | null = '20:52', cache = 'cache', diskMb?: number): Promise<RunReport> {
  const report = path.join(dir, `${name}.json`);
  const args = ['run', path.join(PROJECT_ROOT, 'graphs', 'default.json'), '--input', sharedPath('media/bikes-cuts.mp4'), '--output', path.join(dir, `${name}.mp4`)];
  if (frames) args.push('--frames', frames);
  args.push('--cache-dir', path.join(dir, cache), '--report', report, '-q');
  for (const s of ['decode.maxHeight=136', `depth.model=${model}`, 'encode.preset="ultrafast"', ...set]) args.push('--set', s);
  const env = diskMb === undefined ? process.env : { ...process.env, ANELO_CACHE_DISK_MB: String(diskMb) };
  await exec(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'anelo.mjs'), ...args], { cwd: PROJECT_ROOT, env });
  return JSON.parse(await fs.readFile(report, 'utf8')) as RunReport;
}

const status = (r: RunReport) => Object.fromEntries(Object.entries(r.nodes).map(([id, n]) => [id, `${n.status}:${n.computedFrames > 0 ? 'computed' : 0}`]));

/**
 * A smoothing retune: smooth and everything after it run again, nothing before it but decode (refine and warp read the
 * frames, which the source holds: decode keeps only their digests on disk).
 */
const SMOOTH_AND_AFTER = {
  decode: 'ran:computed',
  depth: 'cached:0',
  scenes: 'cached:0',
  flow: 'cached:0',
  smooth: 'ran:computed',
  refine: 'ran:computed',
  warp: 'ran:computed',
  encode: 'ran:computed',
};

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-retune-'));
  model = writeDepthAnythingLike(tempModelDir(), { weights: [0.2, 0.5, 0.3], bias: 1 }, { target: 70 }).path;
});

describe.skipIf(!hasShared('media/bikes-cuts.mp4'))('retuning the default graph', () => {
  it('changing smooth.strength reruns smooth and what follows, never depth, scenes or flow', async () => {
    const cold = await anelo('cold');
    expect(Object.values(cold.nodes).every((n) => n.status === 'ran')).toBe(true);
    expect(cold.nodes.depth.computedFrames).toBeGreaterThanOrEqual(32);

    const retune = await anelo('smooth', ['smooth.strength=0.3']);
    expect(status(retune)).toEqual(SMOOTH_AND_AFTER);
  });

  it('with a disk budget too small for the decoded frames, a retune decodes again and still never reruns depth or flow', async () => {
    // At this size the run stores 10.7 MB of frames and 15.2 MB of depth, flow and smoothed depth: 18 MB holds the
    // latter. By age alone, pruning let the first chunks of every node go, and the retune ran the model again.
    await anelo('tight-cold', [], '20:52', 'tight-cache', 18);
    const retune = await anelo('tight-smooth', ['smooth.strength=0.3'], '20:52', 'tight-cache', 18);
    expect(status(retune)).toMatchObject({ depth: 'cached:0', scenes: 'cached:0', flow: 'cached:0', smooth: 'ran:computed' });
    expect(retune.nodes.decode.computedFrames).toBeGreaterThan(0);
  });

  it('changing smooth.radius after a render of the whole clip reruns smooth and what follows, never depth or flow', async () => {
    // The whole clip: a range's edge pieces are cut to what its windows reach, so a partial range retuned to another
    // radius has other edge pieces upstream.
    await anelo('whole', [], null);
    const radius = await anelo('radius', ['smooth.radius=10'], null);
    expect(status(radius)).toEqual(SMOOTH_AND_AFTER);
  }, 120_000);

  it('in one process (the editor), changing warp.divergence reruns only warp: smooth and refine come from memory', async () => {
    const services = await createServices();
    const executor = new Executor({ services, cache: new ChunkCache({ diskDir: path.join(dir, 'cache') }) });
    const graph = (divergence: number) =>
      applyOverrides(loadGraph(JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'graphs', 'default.json'), 'utf8'))), [
        { nodeId: 'decode', param: 'path', value: sharedPath('media/bikes-cuts.mp4') },
        { nodeId: 'decode', param: 'maxHeight', value: 136 },
        { nodeId: 'depth', param: 'model', value: model },
        { nodeId: 'warp', param: 'divergence', value: divergence },
      ]);
    try {
      await executor.run(graph(2), { targets: ['warp'], frames: { start: 20, end: 52 } });
      const retune = await executor.run(graph(3.5), { targets: ['warp'], frames: { start: 20, end: 52 } });
      expect(status(retune)).toEqual({ decode: 'cached:0', depth: 'cached:0', scenes: 'cached:0', flow: 'cached:0', smooth: 'cached:0', refine: 'cached:0', warp: 'ran:computed' });
    } finally {
      await services.close();
    }
  });
});
