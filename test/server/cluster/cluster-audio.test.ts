/**
 * The join: segments of a clip with sound (split by length: the graph has no scene-detect) are joined without
 * re-encoding, and the source's audio is muxed once over the whole range, as a local run keeps it.
 */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasRedisServer, startRedis, type TestRedis } from '../../helpers/redis-server.ts';
import { hasShared, sharedPath } from '../../helpers/shared-data.ts';
import { anelo, startWorker, videoFacts, type WorkerProcess } from './cluster-fixture.ts';

async function streams(file: string): Promise<{ codec_type: string; codec_name: string; duration?: string }[]> {
  const mod = (await import('@ffprobe-installer/ffprobe')) as { path?: string; default?: { path: string } };
  const { stdout } = await promisify(execFile)(mod.path ?? mod.default!.path, ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name,duration', '-of', 'json', file]);
  return (JSON.parse(stdout) as { streams: { codec_type: string; codec_name: string; duration?: string }[] }).streams;
}

describe.skipIf(!hasRedisServer() || !hasShared('media', 'bbb-5s-720p.mp4'))('cluster join', () => {
  let redis: TestRedis;
  let dir: string;
  let graph: string;
  let worker: WorkerProcess;

  beforeAll(async () => {
    redis = await startRedis();
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-cluster-join-'));
    graph = path.join(dir, 'decode-encode.json');
    await fs.writeFile(graph, JSON.stringify({
      schemaVersion: 1,
      nodes: [
        { id: 'decode', type: 'decode', params: { maxHeight: 180 }, position: { x: 0, y: 0 } },
        { id: 'encode', type: 'encode', params: { preset: 'ultrafast' }, position: { x: 300, y: 0 } },
      ],
      edges: [{ source: 'decode', sourcePort: 'frames', target: 'encode', targetPort: 'video' }],
    }));
    worker = await startWorker(redis.url, path.join(dir, 'cache-w'));
  }, 60_000);

  afterAll(async () => {
    await worker?.stop('SIGKILL');
    await redis?.stop();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('joins three segments into one video of every frame, with the source audio over the whole duration', async () => {
    const clip = sharedPath('media', 'bbb-5s-720p.mp4');
    const local = path.join(dir, 'local.mp4');
    const out = path.join(dir, 'joined.mp4');
    const l = await anelo(['run', graph, '--input', clip, '--output', local, '--cache-dir', path.join(dir, 'cache-l'), '-q']);
    expect(l.code, l.stderr).toBe(0);
    const r = await anelo(['run', graph, '--input', clip, '--output', out, '--cache-dir', path.join(dir, 'cache-p'), '--cluster', redis.url, '--segment-frames', '50', '--report', path.join(dir, 'r.json'), '-q']);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(await fs.readFile(path.join(dir, 'r.json'), 'utf8'));
    expect(report.cluster.segments.map((s: { start: number; end: number }) => [s.start, s.end])).toEqual([[0, 44], [44, 88], [88, 132]]);

    expect(await videoFacts(out)).toEqual(await videoFacts(local));
    const [ls, js] = await Promise.all([streams(local), streams(out)]);
    const audio = (s: typeof ls) => s.find((x) => x.codec_type === 'audio');
    expect(audio(js)).toMatchObject({ codec_name: audio(ls)!.codec_name });
    expect(Number(audio(js)!.duration)).toBeCloseTo(Number(audio(ls)!.duration), 1);
  }, 120_000);
});
