/**
 * The editor's server started with a cluster (`anelo serve --redis`): a render posted to /api/runs goes to two
 * `anelo worker` processes on a private redis-server, with the run events, status and history of a local run plus
 * a line per worker; cancelling the run cancels the flow; an unreachable Redis stops the server at start.
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunWorkerLine, ServerMessage } from '../../../nodes/core/api-types.ts';
import { GATE_QUEUE_NAME, QUEUE_NAME } from '../../../server/cluster/cluster-jobs.ts';
import { bullConnection, parseRedisUrl } from '../../../server/cluster/connect-redis.ts';
import { freePort, hasRedisServer, startRedis, type TestRedis } from '../../helpers/redis-server.ts';
import { hasShared, PROJECT_ROOT } from '../../helpers/shared-data.ts';
import { buildTestApp, waitForRun, type TestApp } from '../http/test-app.ts';
import { MODELS_DIR, startWorker, videoFacts, type WorkerProcess } from './cluster-fixture.ts';

const graph = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'graphs', 'fast-preview.json'), 'utf8'));
for (const n of graph.nodes) if (n.type === 'depth') n.params.model = 'fastdepth-nyu-224';
const ready = hasShared('media', 'bikes-cuts.mp4') && Boolean(MODELS_DIR) && hasRedisServer();

describe('anelo serve --redis: an unreachable Redis', () => {
  it('stops the server at start with the coded error, within seconds', async () => {
    const url = `redis://127.0.0.1:${await freePort()}`;
    const t0 = Date.now();
    await expect(buildTestApp({ redis: url })).rejects.toMatchObject({ code: 'ANELO_E140_REDIS_UNREACHABLE', message: expect.stringContaining(url) });
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe.skipIf(!ready)('anelo serve --redis with two workers', () => {
  let redis: TestRedis;
  let t: TestApp;
  const workers: WorkerProcess[] = [];
  const messages: ServerMessage[] = [];

  beforeAll(async () => {
    process.env.ANELO_MODELS_DIR ??= MODELS_DIR;
    redis = await startRedis();
    t = await buildTestApp({ redis: redis.url });
    t.app.eventHub.subscribe((m) => messages.push(m));
    workers.push(await startWorker(redis.url, path.join(t.dir, 'cache-a')), await startWorker(redis.url, path.join(t.dir, 'cache-b')));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await t?.close();
    await redis?.stop();
  });

  const post = async (frames: { start: number; end: number }): Promise<string> => {
    const r = await t.app.inject({ method: 'POST', url: '/api/runs', payload: { graph, input: 'bikes-cuts.mp4', frames } });
    expect(r.statusCode, r.body).toBe(202);
    return r.json().runId as string;
  };
  const linesOf = (runId: string): RunWorkerLine[][] =>
    messages.flatMap((m) => (m.kind === 'run-state' && m.run.id === runId && m.run.workers ? [m.run.workers] : []));

  it('renders on the workers with the events, status and output of a local run, and a line per worker', async () => {
    const runId = await post({ start: 0, end: 100 });
    const run = await waitForRun(t.app, runId, 300_000);
    expect(run.state, JSON.stringify(run.error)).toBe('done');
    const outputs = run.outputs as string[];
    expect(outputs).toEqual([expect.stringMatching(/^bikes-cuts-encode-.*\.mp4$/)]);
    expect(readdirSync(path.join(t.dataDir, 'outputs'))).toEqual(outputs);
    expect((await videoFacts(path.join(t.dataDir, 'outputs', outputs[0]))).frames).toBe(100);

    const report = run.report as { frames: unknown; nodes: Record<string, { computedFrames: number }>; cluster: { cuts: number[]; segments: { worker: string }[] } };
    expect(report.frames).toEqual({ start: 0, end: 100 });
    expect(report.cluster.cuts).toEqual([30, 76]);
    expect(report.nodes.encode.computedFrames).toBe(100);

    // The run bar's events: start, progress up to every frame, done.
    const events = messages.flatMap((m) => (m.kind === 'run' && m.runId === runId ? [m.event] : []));
    expect(events[0]).toMatchObject({ type: 'run-start', nodes: ['encode'], frames: { start: 0, end: 100 } });
    expect(events.filter((e) => e.type === 'node-progress').at(-1)).toMatchObject({ nodeId: 'encode', done: 100, total: 100 });
    expect(events.at(-1)).toMatchObject({ type: 'run-done' });

    // A line per worker while it ran: a segment with frames done of its range; at the end, segments each finished.
    const seen = linesOf(runId);
    expect(seen.some((lines) => lines.some((l) => l.state === 'rendering' && l.segment && l.total === l.segment.end - l.segment.start))).toBe(true);
    const last = run.workers as RunWorkerLine[];
    expect(last.map((l) => l.worker).sort()).toEqual([...new Set(report.cluster.segments.map((s) => s.worker))].sort());
    expect(last.reduce((n, l) => n + l.segmentsDone, 0)).toBe(report.cluster.segments.length);
    expect(last.filter((l) => l.joinMs !== undefined)).toHaveLength(1);
    // The history keeps them.
    const { runs } = (await t.app.inject({ url: '/api/runs' })).json();
    expect(runs.find((x: { id: string }) => x.id === runId).workers).toEqual(last);
  }, 320_000);

  it('cancel from the editor cancels the flow: no segment left queued or running, nothing in outputs', async () => {
    const runId = await post({ start: 100, end: 250 });
    const until = Date.now() + 120_000;
    while (!linesOf(runId).some((lines) => lines.some((l) => l.state === 'rendering'))) {
      if (Date.now() > until) throw new Error('no worker started a segment');
      await new Promise((r) => setTimeout(r, 50));
    }
    const r = await t.app.inject({ method: 'POST', url: `/api/runs/${runId}/cancel` });
    expect(r.statusCode).toBeLessThan(300);
    const run = await waitForRun(t.app, runId, 60_000);
    expect(run.state).toBe('cancelled');
    const queue = new Queue(QUEUE_NAME, { connection: bullConnection(parseRedisUrl(redis.url)) });
    const gates = new Queue(GATE_QUEUE_NAME, { connection: bullConnection(parseRedisUrl(redis.url)) });
    try {
      const counts = await queue.getJobCounts('waiting', 'active', 'waiting-children', 'delayed');
      expect(counts).toMatchObject({ waiting: 0, active: 0, 'waiting-children': 0, delayed: 0 });
      // Nor the gate that holds a join while its segments are still being planned.
      expect(await gates.getJobCounts('waiting')).toMatchObject({ waiting: 0 });
    } finally {
      await queue.close();
      await gates.close();
    }
    expect(readdirSync(path.join(t.dataDir, 'outputs')).filter((f) => f.startsWith('.'))).toEqual([]);
  }, 200_000);
});
