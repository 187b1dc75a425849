/**
 * Cluster: the same graph (fast-preview with the bench model) rendered by one local `anelo run` and by
 * `anelo run --cluster` over two `anelo worker` processes on this machine, all with fresh caches, plus the join's
 * own cost. The workers are started, and warmed up (`--preload`: model loaded, threads started), before the clock,
 * as a render farm's long-lived workers would be; the local run starts cold, as `anelo run` does. On one machine the
 * workers share its cores, so the speedup measures the cluster's overhead (planning, per-segment start, the overlap
 * of windows at segment edges inside a scene, the join), not its scale. Frames computed per node are compared with
 * the local run's: segments cut at scene cuts compute nothing outside themselves (the engine's segment option), so
 * the totals should be equal up to the split-scene overlaps.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { anelo, startWorker, videoFacts, type WorkerProcess } from '../../test/server/cluster/cluster-fixture.ts';
import { hasRedisServer, startRedis } from '../../test/helpers/redis-server.ts';
import { PROJECT_ROOT } from '../../test/helpers/shared-data.ts';
import type { BenchContext } from '../lib/context.ts';
import type { ClusterReport } from '../../server/cluster/merge-reports.ts';
import { figure, ratio, type CaseResult } from '../lib/figures.ts';

type Report = ClusterReport;

/** Where a cluster run's wall time went: before the first segment, workers idle, first segments' CPU cost. */
function timeline(r: Report): { firstStartMs: number; busyShare: number; firstCpuPerFrame: number; laterCpuPerFrame: number } {
  const segs = r.cluster.segments;
  const from = Math.min(...segs.map((s) => s.startedAt));
  const to = Math.max(...segs.map((s) => s.endedAt));
  const workers = new Set(segs.map((s) => s.worker));
  const firsts = [...workers].map((w) => segs.filter((s) => s.worker === w).sort((a, b) => a.startedAt - b.startedAt)[0]);
  const perFrame = (list: typeof segs): number => list.reduce((n, s) => n + s.cpuMs, 0) / Math.max(1, list.reduce((n, s) => n + s.end - s.start, 0));
  return {
    firstStartMs: from - r.cluster.startedAt,
    busyShare: segs.reduce((n, s) => n + s.ms, 0) / (workers.size * Math.max(1, to - from)),
    firstCpuPerFrame: perFrame(firsts),
    laterCpuPerFrame: perFrame(segs.filter((s) => !firsts.includes(s))),
  };
}

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await f();
  return { ms: Math.round(performance.now() - t0), value };
}

export async function clusterCase(ctx: BenchContext): Promise<CaseResult> {
  if (!hasRedisServer()) throw new Error('redis-server is not installed (apt-get install redis-server; .ci/run does it)');
  const dir = ctx.newDir('cluster');
  const graph = path.join(PROJECT_ROOT, 'graphs', 'fast-preview.json');
  const frames = ctx.sizes.clipFrames > 0 ? ['--frames', `0:${ctx.sizes.clipFrames}`] : [];
  const common = ['--input', ctx.media(ctx.sizes.clip), '--set', `depth.model=${ctx.model.model}`, ...frames, '-q'];
  const run = async (args: string[]): Promise<void> => {
    const r = await anelo(['run', graph, ...common, ...args]);
    if (r.code !== 0) throw new Error(`anelo run ${args.join(' ')} failed: ${r.stderr.trim()}`);
  };

  // The local run, cold (fresh cache), once before the cluster runs and once after: on a shared machine a burst of
  // other work during one run moved the ratio by 1.7x, so the faster of the two is the reference (which can only
  // lower the speedup).
  const localRun = async (k: number): Promise<{ ms: number }> => {
    ctx.log(`cluster: local run ${k} of ${ctx.sizes.clip}`);
    return timed(() => run(['--output', path.join(dir, 'local.mp4'), '--cache-dir', path.join(dir, `cache-local-${k}`), '--report', path.join(dir, 'local.json')]));
  };
  const locals = [await localRun(1)];
  const redis = await startRedis();
  const workers: WorkerProcess[] = [];
  /**
   * Two workers, then the same render through them; `shared`: one cache folder for both and the planner; `warm`:
   * the workers warm up before the clock (--preload), as a farm's running workers are.
   */
  const clusterRun = async (name: string, shared: boolean, warm = true): Promise<{ ms: number; report: Report; facts: Awaited<ReturnType<typeof videoFacts>> }> => {
    await Promise.all(workers.splice(0).map((w) => w.stop('SIGTERM')));
    const cache = (who: string): string => path.join(dir, shared ? `cache-${name}` : `cache-${name}-${who}`);
    const preload = warm ? ['--preload', ctx.model.model] : [];
    workers.push(...(await Promise.all([startWorker(redis.url, cache('a'), {}, preload), startWorker(redis.url, cache('b'), {}, preload)])));
    ctx.log(`cluster: the same render on 2 ${warm ? 'warmed-up' : 'cold'} workers (${shared ? 'one shared cache folder' : 'a cache folder each'})`);
    const out = path.join(dir, `${name}.mp4`);
    const report = path.join(dir, `${name}.json`);
    const t = await timed(() => run(['--output', out, '--cache-dir', cache('plan'), '--report', report, '--cluster', redis.url]));
    return { ms: t.ms, report: JSON.parse(await fs.readFile(report, 'utf8')) as Report, facts: await videoFacts(out) };
  };
  try {
    const own = await clusterRun('cluster', false);
    const shared = await clusterRun('shared', true);
    const cold = await clusterRun('cold', false, false);
    await Promise.all(workers.splice(0).map((w) => w.stop('SIGTERM')));
    locals.push(await localRun(2));
    const local = { ms: Math.min(...locals.map((l) => l.ms)) };
    const lr = JSON.parse(await fs.readFile(path.join(dir, 'local.json'), 'utf8')) as Report;
    const lf = await videoFacts(path.join(dir, 'local.mp4'));
    for (const c of [own, shared, cold]) if (c.facts.frames !== lf.frames) throw new Error(`cluster output has ${c.facts.frames} frames, local ${lf.frames}`);
    const depth = (r: Report): number => r.nodes.depth?.computedFrames ?? 0;
    const cr = own.report;
    const t = timeline(cr);
    const perNode = Object.keys(lr.nodes).map((id) =>
      figure(`${id} frames computed, cluster / local`, ratio(cr.nodes[id]?.computedFrames ?? 0, lr.nodes[id].computedFrames), { note: `${cr.nodes[id]?.computedFrames ?? 0} / ${lr.nodes[id].computedFrames}` }),
    );
    return {
      figures: [
        figure('local run, wall', local.ms, { unit: 'ms', digits: 0, note: `${lf.frames} frames; the faster of ${locals.map((l) => l.ms).join(' and ')} ms, before and after the cluster runs` }),
        figure('cluster run (2 workers), wall', own.ms, { unit: 'ms', digits: 0, note: `${cr.cluster.segments.length} segments, a cache folder per worker as on separate machines` }),
        figure('speedup 2 workers / local', ratio(local.ms, own.ms), { target: { op: '>=', value: 1 }, note: 'one machine: measures overhead, not scale; workers warmed up before the clock' }),
        figure('speedup 2 workers sharing one cache folder / local', ratio(local.ms, shared.ms), { note: 'workers and planner on one machine, one --cache-dir' }),
        figure('speedup 2 cold workers / local', ratio(local.ms, cold.ms), { note: 'workers started but not warmed up: each starts its threads and model in its first segment' }),
        figure('join (concat + mux)', cr.cluster.joinMs, { unit: 'ms', digits: 0 }),
        figure('join / cluster wall', ratio(cr.cluster.joinMs, own.ms)),
        figure('planning (scene cuts)', cr.cluster.planMs, { unit: 'ms', digits: 0, note: 'segments start while it runs' }),
        figure('first segment started after', t.firstStartMs, { unit: 'ms', digits: 0, note: 'from the start of planning' }),
        figure('workers busy, share of the segments span', t.busyShare, { note: 'from the first segment start to the last end' }),
        figure("workers' first segments, CPU per frame", t.firstCpuPerFrame, { unit: 'ms', digits: 0, note: `later segments ${Math.round(t.laterCpuPerFrame)} ms` }),
        ...perNode,
        figure('depth frames computed, shared cache / local', ratio(depth(shared.report), depth(lr))),
      ],
      details: { clip: ctx.sizes.clip, frames: lf.frames, model: ctx.model.description, local: { ms: local.ms, runs: locals.map((l) => l.ms), report: lr }, cluster: own, sharedCache: shared, coldWorkers: cold },
      notes: [
        'Worker start-up and warm-up (`anelo worker --preload`, a one-off per machine) are not timed, as on a farm whose workers are running; every wall time includes one CLI start, and the local run its model load.',
      ],
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop('SIGTERM')));
    await redis.stop();
  }
}
