/**
 * Cluster: the same graph (fast-preview with the bench model) rendered by one local `anelo run` and by
 * `anelo run --cluster` over two `anelo worker` processes on this machine, all cold (fresh caches), plus the
 * join's own cost. On one machine the workers share its cores, so the speedup measures the cluster's overhead
 * (planning, per-segment start, chunks at segment edges computed by both neighbours, the join), not its scale.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { anelo, startWorker, videoFacts, type WorkerProcess } from '../../test/server/cluster/cluster-fixture.ts';
import { hasRedisServer, startRedis } from '../../test/helpers/redis-server.ts';
import { PROJECT_ROOT } from '../../test/helpers/shared-data.ts';
import type { BenchContext } from '../lib/context.ts';
import { figure, ratio, type CaseResult } from '../lib/figures.ts';

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

  ctx.log(`cluster: local run of ${ctx.sizes.clip}`);
  const local = await timed(() => run(['--output', path.join(dir, 'local.mp4'), '--cache-dir', path.join(dir, 'cache-local'), '--report', path.join(dir, 'local.json')]));
  const redis = await startRedis();
  const workers: WorkerProcess[] = [];
  try {
    workers.push(...(await Promise.all([startWorker(redis.url, path.join(dir, 'cache-a')), startWorker(redis.url, path.join(dir, 'cache-b'))])));
    ctx.log('cluster: the same render on 2 workers');
    const cluster = await timed(() =>
      run(['--output', path.join(dir, 'cluster.mp4'), '--cache-dir', path.join(dir, 'cache-plan'), '--report', path.join(dir, 'cluster.json'), '--cluster', redis.url]),
    );
    const lr = JSON.parse(await fs.readFile(path.join(dir, 'local.json'), 'utf8'));
    const cr = JSON.parse(await fs.readFile(path.join(dir, 'cluster.json'), 'utf8'));
    const [lf, cf] = await Promise.all([videoFacts(path.join(dir, 'local.mp4')), videoFacts(path.join(dir, 'cluster.mp4'))]);
    if (lf.frames !== cf.frames) throw new Error(`cluster output has ${cf.frames} frames, local ${lf.frames}`);
    const depth = (r: { nodes: Record<string, { computedFrames: number }> }): number => r.nodes.depth?.computedFrames ?? 0;
    return {
      figures: [
        figure('local run, wall', local.ms, { unit: 'ms', digits: 0, note: `${lf.frames} frames` }),
        figure('cluster run (2 workers), wall', cluster.ms, { unit: 'ms', digits: 0, note: `${cr.cluster.segments.length} segments` }),
        figure('speedup 2 workers / local', ratio(local.ms, cluster.ms), { note: 'one machine: measures overhead, not scale' }),
        figure('join (concat + mux)', cr.cluster.joinMs, { unit: 'ms', digits: 0 }),
        figure('join / cluster wall', ratio(cr.cluster.joinMs, cluster.ms)),
        figure('planning (scene cuts)', cr.cluster.planMs, { unit: 'ms', digits: 0 }),
        figure('depth frames computed, cluster / local', ratio(depth(cr), depth(lr)), { note: 'chunks at segment edges computed by both neighbours' }),
      ],
      details: { clip: ctx.sizes.clip, frames: lf.frames, model: ctx.model.description, local: { ms: local.ms, report: lr }, cluster: { ms: cluster.ms, report: cr } },
      notes: ['Worker start-up (a one-off per machine) is not timed; both wall times include one CLI start and the model load.'],
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop('SIGTERM')));
    await redis.stop();
  }
}
