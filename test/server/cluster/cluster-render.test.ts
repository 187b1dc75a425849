/**
 * Two `anelo worker` processes on a private redis-server render bikes-cuts with graphs/fast-preview.json
 * (FastDepth) through `anelo run --cluster`, and the result is the single-machine render: same frames, size, fps
 * and duration, split at the clip's cuts. Encoded lossless (crf 0) so "the same frames" is checked exactly;
 * at the graph's crf 23 two separate x264 encodes of identical frames differ by their own coding noise.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedisServer, startRedis, type TestRedis } from '../../helpers/redis-server.ts';
import { hasShared, PROJECT_ROOT, sharedPath } from '../../helpers/shared-data.ts';
import { anelo, MODELS_DIR, minPsnr, startWorker, videoFacts, type WorkerProcess } from './cluster-fixture.ts';

const CLIP = sharedPath('media', 'bikes-cuts.mp4');
const GRAPH = path.join(PROJECT_ROOT, 'graphs', 'fast-preview.json');
// Frames 0:100 hold two of the clip's cuts (30, 76): three segments, a modest test time.
const COMMON = ['--input', CLIP, '--set', 'depth.model=fastdepth-nyu-224', '--set', 'encode.crf=0', '--frames', '0:100', '-q'];

const ready = hasShared('media', 'bikes-cuts.mp4') && Boolean(MODELS_DIR) && hasRedisServer();

describe.skipIf(!ready)('anelo run --cluster with two workers', () => {
  let redis: TestRedis;
  let dir: string;
  let local: string;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    redis = await startRedis();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-cluster-'));
    local = path.join(dir, 'local.mp4');
    const r = await anelo(['run', GRAPH, ...COMMON, '--output', local, '--cache-dir', path.join(dir, 'cache-local'), '--report', path.join(dir, 'local.json')]);
    expect(r.code, r.stderr).toBe(0);
  }, 180_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await redis?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('renders the same video as one machine, split at the scene cuts', async () => {
    // One worker warmed up (--preload), one cold: the warm-up leaves nothing that changes a frame.
    workers.push(await startWorker(redis.url, path.join(dir, 'cache-a'), {}, ['--preload', 'fastdepth-nyu-224']), await startWorker(redis.url, path.join(dir, 'cache-b')));
    const out = path.join(dir, 'cluster.mp4');
    const reportFile = path.join(dir, 'cluster.json');
    const r = await anelo(['run', GRAPH, ...COMMON, '--output', out, '--cache-dir', path.join(dir, 'cache-plan'), '--cluster', redis.url, '--min-segment-frames', '1', '--report', reportFile]);
    expect(r.code, r.stderr).toBe(0);

    const [a, b] = await Promise.all([videoFacts(local), videoFacts(out)]);
    expect(b).toEqual(a);
    expect(b.frames).toBe(100);
    // Lossless encodes of the same frames decode to the same pixels: every frame is identical.
    expect(await minPsnr(local, out, a.width, a.height)).toBe(Infinity);

    const report = JSON.parse(await fs.readFile(reportFile, 'utf8'));
    expect(report.frames).toEqual({ start: 0, end: 100 });
    expect(report.outputs).toEqual({ encode: out });
    expect(report.cluster.cuts).toEqual([30, 76]);
    expect(report.cluster.segments.map((s: { start: number; end: number }) => [s.start, s.end])).toEqual([[0, 30], [30, 76], [76, 100]]);
    expect(report.nodes.encode).toMatchObject({ type: 'encode', status: 'ran', computedFrames: 100 });
    // Segments cut at scene cuts compute nothing outside themselves, each smoothed frame exactly once. The one
    // depth frame a segment starting at a cut adds is the frame before it, read by optical-flow's window (its
    // motion into the cut's first frame, which smoothing does not use).
    const localReport = JSON.parse(await fs.readFile(path.join(dir, 'local.json'), 'utf8'));
    expect(report.nodes.smooth.computedFrames).toBe(100);
    expect(report.nodes.depth.computedFrames).toBeGreaterThanOrEqual(localReport.nodes.depth.computedFrames);
    expect(report.nodes.depth.computedFrames).toBeLessThanOrEqual(localReport.nodes.depth.computedFrames + report.cluster.cuts.length);
    // Cuts are detected once, by the planner: segments 0 and 1 take its flags (the frames above came out the
    // same), and only the last one detects again, since its smoothing window reaches past the planned range (100).
    expect(report.nodes.scenes.type).toBe('scene-detect');
    expect(report.nodes.scenes.computedFrames).toBeGreaterThan(0);
    expect(report.nodes.scenes.computedFrames).toBeLessThanOrEqual(localReport.nodes.scenes.computedFrames - 76);
    // Both workers took part, and nothing is left beside the output but the output.
    expect(new Set(report.cluster.segments.map((s: { worker: string }) => s.worker)).size).toBe(2);
    expect((await fs.readdir(dir)).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 240_000);

  it('kill -9 of a worker mid-segment: another worker renders that segment and the result still matches', async () => {
    await Promise.all(workers.splice(0).map((w) => w.stop('SIGKILL')));
    // Fresh caches, so the segments take long enough to be caught half way; a short lock, so the dead worker's
    // segment is noticed as stalled within seconds rather than the default 30.
    const env = { ANELO_CLUSTER_LOCK_MS: '4000' };
    const a = await startWorker(redis.url, path.join(dir, 'cache-c'), env);
    const b = await startWorker(redis.url, path.join(dir, 'cache-d'), env);
    workers.push(a, b);
    const out = path.join(dir, 'survived.mp4');
    const reportFile = path.join(dir, 'survived.json');
    const run = anelo(['run', GRAPH, ...COMMON, '--output', out, '--cache-dir', path.join(dir, 'cache-plan'), '--cluster', redis.url, '--min-segment-frames', '1', '--report', reportFile]);
    const first = await Promise.race([a.waitFor(/segment \d/).then(() => a), b.waitFor(/segment \d/).then(() => b)]);
    await new Promise((r) => setTimeout(r, 300));
    await first.stop('SIGKILL');
    const r = await run;
    expect(r.code, r.stderr).toBe(0);

    const report = JSON.parse(await fs.readFile(reportFile, 'utf8'));
    const survivor = first === a ? b : a;
    expect(report.cluster.segments.every((s: { worker: string }) => s.worker.endsWith(`:${survivor.pid}`))).toBe(true);
    const [fa, fb] = await Promise.all([videoFacts(local), videoFacts(out)]);
    expect(fb).toEqual(fa);
    expect(await minPsnr(local, out, fa.width, fa.height)).toBeGreaterThanOrEqual(45);
  }, 240_000);
});
