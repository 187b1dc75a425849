/**
 * Cluster: the same graph (fast-preview with the bench model) rendered by one local `anelo run` and by
 * `anelo run --cluster` over two `anelo worker` processes on this machine, all with fresh caches, plus the join's
 * own cost. On one machine the workers share its cores, so the speedup measures the cluster's overhead (planning,
 * per-segment start, the overlap of windows at segment edges inside a scene, the join), not its scale.
 *
 * One pair of runs swung the ratio 0.76–1.20 on a quiet 2-core machine, so the case times several rounds, each a
 * local run and a cluster run on freshly started workers, alternating which of the two goes first, and reports the
 * median of the rounds' ratios. Beside wall time it reports CPU time (user + sys of every process involved, ffmpeg
 * included), which another job on the machine moves far less than it moves wall time.
 */
import { readdirSync, readFileSync } from 'node:fs';
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

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Linux /proc: [user + sys, and the same for waited-for children] of a process in ms, and its parent's pid. */
function procCpu(pid: number | 'self'): { own: number; children: number; ppid: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces): state ppid … utime(14) stime cutime cstime.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ms = (i: number): number => (Number(f[i - 3]) * 1000) / 100;
    return { own: ms(14) + ms(15), children: ms(16) + ms(17), ppid: Number(f[1]) };
  } catch {
    return undefined;
  }
}

/**
 * CPU time so far of a worker process: its threads, the children it has waited for, and the children still running
 * (a segment's decoders stay open a few seconds after it). Undefined where /proc is missing (not Linux).
 */
function workerCpuMs(pid: number): number | undefined {
  const p = procCpu(pid);
  if (!p) return undefined;
  let live = 0;
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const c = procCpu(Number(name));
    if (c?.ppid === pid) live += c.own + c.children;
  }
  return p.own + p.children + live;
}

/** CPU time of this process's children that have exited and been waited for (an `anelo run` once it returned). */
const exitedChildrenCpuMs = (): number | undefined => procCpu('self')?.children;

interface Timed {
  ms: number;
  /** User + sys of every process of the run (null off Linux). */
  cpuMs: number | null;
  /** Of which the `anelo run` process with its ffmpeg children (the planner, for a cluster run). */
  cliCpuMs: number | null;
}

export async function clusterCase(ctx: BenchContext): Promise<CaseResult> {
  if (!hasRedisServer()) throw new Error('redis-server is not installed (apt-get install redis-server; .ci/run does it)');
  const dir = ctx.newDir('cluster');
  const graph = path.join(PROJECT_ROOT, 'graphs', 'fast-preview.json');
  const frames = ctx.sizes.clipFrames > 0 ? ['--frames', `0:${ctx.sizes.clipFrames}`] : [];
  const common = ['--input', ctx.media(ctx.sizes.clip), '--set', `depth.model=${ctx.model.model}`, ...frames, '-q'];
  const rounds = ctx.opts.scale === 'tiny' ? 1 : 3;
  const redis = await startRedis();
  let workers: WorkerProcess[] = [];
  const stopWorkers = async (): Promise<void> => {
    await Promise.all(workers.map((w) => w.stop('SIGTERM')));
    workers = [];
  };

  /** One `anelo run`, timed from launch to exit, with the CPU of its process and its ffmpeg children. */
  const run = async (args: string[], others: () => number | undefined = () => 0): Promise<Timed> => {
    const cpu0 = [exitedChildrenCpuMs(), others()];
    const t0 = performance.now();
    const r = await anelo(['run', graph, ...common, ...args]);
    const ms = Math.round(performance.now() - t0);
    if (r.code !== 0) throw new Error(`anelo run ${args.join(' ')} failed: ${r.stderr.trim()}`);
    const cpu1 = [exitedChildrenCpuMs(), others()];
    const known = [...cpu0, ...cpu1].every((x) => x !== undefined);
    const cli = known ? Math.round(cpu1[0]! - cpu0[0]!) : null;
    return { ms, cpuMs: known ? cli! + Math.round(cpu1[1]! - cpu0[1]!) : null, cliCpuMs: cli };
  };

  const localRun = async (name: string): Promise<Timed & { report: Report; out: string }> => {
    ctx.log(`cluster: ${name}, local run of ${ctx.sizes.clip}`);
    const out = path.join(dir, `${name}-local.mp4`);
    const report = path.join(dir, `${name}-local.json`);
    const t = await run(['--output', out, '--cache-dir', path.join(dir, `cache-${name}-local`), '--report', report]);
    return { ...t, report: JSON.parse(await fs.readFile(report, 'utf8')) as Report, out };
  };

  /**
   * Two workers started for this render alone (fresh caches, nothing left from an earlier one), then the render
   * through them; `shared`: one cache folder for both and the planner; `warm`: the workers warm up before the clock
   * (--preload), as a farm's running workers are. Their start and warm-up are not timed; CPU counts from the render's
   * launch to its exit, for the planner and both workers with their ffmpeg children.
   */
  const clusterRun = async (name: string, shared: boolean, warm = true): Promise<Timed & { report: Report; out: string }> => {
    await stopWorkers();
    const cache = (who: string): string => path.join(dir, shared ? `cache-${name}` : `cache-${name}-${who}`);
    const preload = warm ? ['--preload', ctx.model.model] : [];
    workers = await Promise.all([startWorker(redis.url, cache('a'), {}, preload), startWorker(redis.url, cache('b'), {}, preload)]);
    ctx.log(`cluster: ${name}, the same render on 2 ${warm ? 'warmed-up' : 'cold'} workers (${shared ? 'one shared cache folder' : 'a cache folder each'})`);
    const out = path.join(dir, `${name}.mp4`);
    const report = path.join(dir, `${name}.json`);
    const pids = workers.map((w) => w.pid);
    const workersCpu = (): number | undefined => pids.reduce<number | undefined>((n, pid) => {
      const c = workerCpuMs(pid);
      return n === undefined || c === undefined ? undefined : n + c;
    }, 0);
    const t = await run(['--output', out, '--cache-dir', cache('plan'), '--report', report, '--cluster', redis.url], workersCpu);
    await stopWorkers();
    return { ...t, report: JSON.parse(await fs.readFile(report, 'utf8')) as Report, out };
  };

  try {
    const pairs: { local: Awaited<ReturnType<typeof localRun>>; cluster: Awaited<ReturnType<typeof clusterRun>> }[] = [];
    for (let k = 1; k <= rounds; k++) {
      // Alternate which side goes first, so a machine getting busier or quieter through the case favours neither.
      if (k % 2) {
        const local = await localRun(`round${k}`);
        pairs.push({ local, cluster: await clusterRun(`round${k}`, false) });
      } else {
        const cluster = await clusterRun(`round${k}`, false);
        pairs.push({ local: await localRun(`round${k}`), cluster });
      }
    }
    const shared = await clusterRun('shared', true);
    const cold = await clusterRun('cold', false, false);

    const lf = await videoFacts(pairs[0].local.out);
    for (const c of [...pairs.map((p) => p.cluster), shared, cold]) {
      const f = await videoFacts(c.out);
      if (f.frames !== lf.frames) throw new Error(`cluster output has ${f.frames} frames, local ${lf.frames}`);
    }
    const speedups = pairs.map((p) => p.local.ms / p.cluster.ms);
    const cpuRatios = pairs.flatMap((p) => (p.local.cpuMs && p.cluster.cpuMs ? [p.cluster.cpuMs / p.local.cpuMs] : []));
    // The round whose speedup is the median (the lower middle one for an even count) gives the detail figures.
    const mid = pairs[speedups.indexOf([...speedups].sort((a, b) => a - b)[Math.floor((speedups.length - 1) / 2)])];
    const localMs = median(pairs.map((p) => p.local.ms));
    const lr = mid.local.report;
    const cr = mid.cluster.report;
    const t = timeline(cr);
    const list = (xs: number[], digits = 0): string => xs.map((x) => x.toFixed(digits)).join(', ');
    const depth = (r: Report): number => r.nodes.depth?.computedFrames ?? 0;
    const perNode = Object.keys(lr.nodes).map((id) =>
      figure(`${id} frames computed, cluster / local`, ratio(cr.nodes[id]?.computedFrames ?? 0, lr.nodes[id].computedFrames), { note: `${cr.nodes[id]?.computedFrames ?? 0} / ${lr.nodes[id].computedFrames}` }),
    );
    const frameWord = `${lf.frames} frames`;
    return {
      figures: [
        figure('local run, wall', localMs, { unit: 'ms', digits: 0, note: `${frameWord}, median of ${rounds} cold runs (${list(pairs.map((p) => p.local.ms))} ms)` }),
        figure('cluster run (2 workers), wall', median(pairs.map((p) => p.cluster.ms)), { unit: 'ms', digits: 0, note: `median of ${rounds} runs (${list(pairs.map((p) => p.cluster.ms))} ms), ${cr.cluster.segments.length} segments, a cache folder per worker as on separate machines` }),
        figure('speedup 2 workers / local', median(speedups), {
          target: { op: '>=', value: 1 },
          note: `median of ${rounds} rounds (${list(speedups, 2)}), each a local run and a cluster run, alternating which goes first; wall time from launching \`anelo run\` to its exit, on both sides; the workers are started and warmed up (--preload) before the clock, fresh caches everywhere; one machine: measures overhead, not scale`,
        }),
        figure('CPU time, cluster / local', cpuRatios.length ? median(cpuRatios) : null, {
          note: `median of ${cpuRatios.length} rounds (${list(cpuRatios, 2)}); user + sys from launch to exit: the planner's \`anelo run\` and both workers with their ffmpeg children, against the local \`anelo run\` with its ffmpeg children (${list(pairs.map((p) => (p.cluster.cpuMs ?? 0) / 1000), 1)} s, of which the planner ${list(pairs.map((p) => (p.cluster.cliCpuMs ?? 0) / 1000), 1)} s, against ${list(pairs.map((p) => (p.local.cpuMs ?? 0) / 1000), 1)} s)`,
        }),
        figure('speedup 2 workers sharing one cache folder / local', ratio(localMs, shared.ms), { note: 'one run, against the median local run; workers and planner on one machine, one --cache-dir' }),
        figure('speedup 2 cold workers / local', ratio(localMs, cold.ms), { note: 'one run, against the median local run; workers started but not warmed up: each starts its threads and loads its model in its first segment, as the local run does' }),
        figure('join (concat + mux)', cr.cluster.joinMs, { unit: 'ms', digits: 0 }),
        figure('join / cluster wall', ratio(cr.cluster.joinMs, mid.cluster.ms)),
        figure('planning (scene cuts)', cr.cluster.planMs, { unit: 'ms', digits: 0, note: 'segments start while it runs' }),
        figure('first segment started after', t.firstStartMs, { unit: 'ms', digits: 0, note: 'from the start of planning' }),
        figure('workers busy, share of the segments span', t.busyShare, { note: 'from the first segment start to the last end' }),
        figure("workers' first segments, CPU per frame", t.firstCpuPerFrame, { unit: 'ms', digits: 0, note: `later segments ${Math.round(t.laterCpuPerFrame)} ms` }),
        ...perNode,
        figure('depth frames computed, shared cache / local', ratio(depth(shared.report), depth(lr))),
      ],
      details: {
        clip: ctx.sizes.clip,
        frames: lf.frames,
        model: ctx.model.description,
        rounds: pairs.map((p) => ({ local: { ms: p.local.ms, cpuMs: p.local.cpuMs, report: p.local.report }, cluster: { ms: p.cluster.ms, cpuMs: p.cluster.cpuMs, plannerCpuMs: p.cluster.cliCpuMs, report: p.cluster.report } })),
        sharedCache: { ms: shared.ms, cpuMs: shared.cpuMs, plannerCpuMs: shared.cliCpuMs, report: shared.report },
        coldWorkers: { ms: cold.ms, cpuMs: cold.cpuMs, plannerCpuMs: cold.cliCpuMs, report: cold.report },
      },
      notes: [
        `Speedup and CPU are medians of ${rounds} rounds (one local run and one cluster run each, alternating which goes first); the detail figures (join, planning, timeline, frames per node) are from the median round.`,
        'Worker start-up and warm-up (`anelo worker --preload`, a one-off per machine) are not timed, as on a farm whose workers are running; every wall time includes one CLI start, and the local run its model load and thread start (the cold-workers figure has the workers pay theirs too).',
      ],
    };
  } finally {
    await stopWorkers();
    await redis.stop();
  }
}
