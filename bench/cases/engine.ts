/**
 * The engine's own figures (issue 13): work ratio per node at 1080p (each frame computed once, counted exactly),
 * parallel speedup of the worker pool against `--workers 0` in one run, the codec floor (whole graph vs
 * decode → encode alone at the same output size and encoder settings), each of those runs in a fresh process as
 * `anelo run` does it, with the CPU each used and what the cores allow; preview latency at a new 720p frame, and
 * the event loop's delay while a render and 20 previews share one executor.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';
import type { RunReport } from '../../nodes/core/events.ts';
import { ChunkCache } from '../../server/engine/chunk-cache.ts';
import { Executor } from '../../server/engine/executor.ts';
import { defaultWorkerCount } from '../../server/engine/pool/node-pool.ts';
import { warmUpPool } from '../../server/engine/warm-up-pool.ts';
import { runInChild } from '../child-run.ts';
import type { ChildCpu } from '../run-graph-child.ts';
import type { BenchContext } from '../lib/context.ts';
import { makeScaledClip } from '../lib/ffmpeg-tools.ts';
import { figure, ratio, type CaseResult, type Figure } from '../lib/figures.ts';
import { defaultGraph } from '../lib/graphs.ts';
import { nodeSummary, warmDepth } from '../lib/run-graph.ts';

/** An executor in this process over the bench's services (previews and the event loop share one, as the server does). */
function executor(ctx: BenchContext): Executor {
  return new Executor({ services: ctx.services, cache: new ChunkCache({ diskDir: null }) });
}

/** The depth node as a user leaves it: the model, and the engine's own share of cores (threads 0). */
const depthDefaults = (ctx: BenchContext): Record<string, unknown> => ({ ...ctx.depthParams(), threads: 0 });

interface TimedRun {
  report: RunReport;
  ms: number;
  cpu: ChildCpu;
}

/**
 * One run in a fresh process, timed from the run's start to its end, as `anelo run` does it: every run starts its
 * own threads and compiles its own code. Run here instead, in the bench's one process, a serial run reused a main
 * thread whose code the runs before it had compiled and optimised (its CPU 13.2 s in one run, 9.0 s in the next),
 * which no `--workers 0` run of the CLI does, while each pooled run started cold threads.
 */
async function childRun(ctx: BenchContext, graph: GraphDocument, workers?: number): Promise<TimedRun> {
  const r = await runInChild({ graph, outputs: { encode: path.join(ctx.newDir('out'), 'out.mp4') }, cacheDir: ctx.newDir('cache'), workers });
  return { report: r.report, ms: r.ms, cpu: r.cpu };
}

/** CPU seconds of a side's runs, anelo's and ffmpeg's together (null where ffmpeg's could not be read). */
function cpuSeconds(runs: TimedRun[]): number | null {
  let n = 0;
  for (const r of runs) {
    if (r.cpu.ffmpeg === undefined) return null;
    n += r.cpu.anelo + r.cpu.ffmpeg;
  }
  return n;
}

const cpuDetails = (runs: TimedRun[]): { anelo: number; ffmpeg: number | null }[] => runs.map((r) => ({ anelo: Number(r.cpu.anelo.toFixed(2)), ffmpeg: r.cpu.ffmpeg === undefined ? null : Number(r.cpu.ffmpeg.toFixed(2)) }));

/**
 * What the cores allow: no schedule runs a side faster than its CPU time spread over every core. `other` over that
 * is the most a ratio against `other`'s wall time can be on this machine for as long as the side needs that much
 * CPU: only less work, not better overlap, takes a ratio past it.
 */
function coresAllow(runs: TimedRun[], otherMs: number): { busy: number | null; ceiling: number | null } {
  const cpu = cpuSeconds(runs);
  const cores = os.availableParallelism();
  const wall = runs.reduce((n, r) => n + r.ms, 0) / 1000;
  return { busy: cpu === null ? null : cpu / (wall * cores), ceiling: cpu === null ? null : otherMs / 1000 / (cpu / cores) };
}

async function hdClip(ctx: BenchContext): Promise<string> {
  const file = path.join(ctx.tmpDir, `bbb-1080p-${ctx.sizes.hdFrames}.mp4`);
  if (!existsSync(file)) await makeScaledClip(ctx.media('bbb-5s-720p.mp4'), file, 1920, 1080, ctx.sizes.hdFrames);
  return file;
}

/**
 * Runs side A and side B of a ratio in the order A, B, B, A (a fresh process each time) and sums each side: the speed
 * of this shared VM drifts by 10–30 % over minutes (one pooled 640x272 run took 32.0 s of CPU, the same run 42.2 s a
 * few minutes later), so a single A-then-B pair tilted the ratio towards whichever side ran in the faster minutes.
 * The mirrored order cancels a steady drift; each pair's own ratio is kept in the details. With `warmUp`, one A and
 * one B run first, untimed: with the threads' code already bundled, the first pooled 1080p run of a bench took 13.7,
 * 12.8 and 13.8 s in three benches of four (11.3 in the other), the pooled runs after it 10.4–13.0 s, and the
 * mirrored order charged that to A alone.
 */
async function mirrored<T extends { ms: number }>(a: () => Promise<T>, b: () => Promise<T>, warmUp = false): Promise<{ a: T[]; b: T[]; aMs: number; bMs: number; warmUpMs?: [number, number] }> {
  const warm = warmUp ? ([(await a()).ms, (await b()).ms] as [number, number]) : undefined;
  const a1 = await a();
  const b1 = await b();
  const b2 = await b();
  const a2 = await a();
  return { a: [a1, a2], b: [b1, b2], aMs: a1.ms + a2.ms, bMs: b1.ms + b2.ms, warmUpMs: warm };
}

/** 1080p, encoder at ultrafast so the measured work is anelo's: default pool vs main thread only. */
async function workAndSpeedup(ctx: BenchContext): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const clip = await hdClip(ctx);
  const graph = defaultGraph({ decode: { path: clip }, depth: depthDefaults(ctx), encode: { preset: 'ultrafast' } });
  const workers = defaultWorkerCount();
  const pooledRun = async (): Promise<TimedRun> => {
    ctx.log(`engine: 1080p x ${ctx.sizes.hdFrames}, default workers, in a fresh process`);
    return childRun(ctx, graph);
  };
  const serialRun = async (): Promise<TimedRun> => {
    ctx.log('engine: 1080p, --workers 0, in a fresh process');
    return childRun(ctx, graph, 0);
  };
  const r = await mirrored(pooledRun, serialRun, true);
  const frames = ctx.sizes.hdFrames;
  const figures: Figure[] = [];
  // Every pooled run must compute each frame once: the worse of the two is the figure.
  for (const id of Object.keys(r.a[0].report.nodes)) {
    const worst = Math.max(...r.a.map((x) => x.report.nodes[id]?.computedFrames ?? Infinity));
    figures.push(figure(`work ratio ${id} (frames computed / needed)`, worst / frames, { target: { op: '==', value: 1 }, digits: 2 }));
  }
  figures.push(
    figure('parallel speedup 1080p (default workers vs --workers 0)', ratio(r.bMs, r.aMs), {
      target: { op: '>=', value: 1.5 },
      digits: 2,
      note: `${workers} workers; encoder preset ultrafast; after one untimed run a side, two runs a side in the order pooled, serial, serial, pooled (pairs ${(r.b[0].ms / r.a[0].ms).toFixed(2)} and ${(r.b[1].ms / r.a[1].ms).toFixed(2)})`,
    }),
  );
  // The serial side runs ffmpeg's decode and x264 beside its main thread on the other cores, so the pool can only
  // win back what the main thread's share of the CPU leaves: these say how close the pooled runs come to that.
  const allow = coresAllow(r.a, r.bMs);
  // The same bound with the serial runs' own CPU: what a pool that cost no CPU at all beyond the work itself (no
  // thread's start, collector or new memory) could reach with every core busy from the first moment to the last.
  const overheadFree = coresAllow(r.b, r.bMs);
  figures.push(
    figure('pooled runs: CPU used / (wall × cores)', allow.busy, { digits: 2, note: 'anelo and the ffmpeg and ffprobe processes it starts, together' }),
    figure('speedup the cores allow (serial wall / (pooled CPU ÷ cores))', allow.ceiling, {
      digits: 2,
      note: 'the parallel speedup if the pooled runs kept every core busy from start to end with the CPU they used',
    }),
    figure('speedup with no pooling cost at all (serial wall / (serial CPU ÷ cores))', overheadFree.ceiling, {
      digits: 2,
      note: "the most any schedule of the serial runs' own work could reach on these cores: the pooled runs would have to need no more CPU than the serial runs and keep every core busy throughout",
    }),
  );
  return {
    figures,
    details: {
      hdFrames: frames,
      workers,
      pooledMs: r.a.map((x) => Math.round(x.ms)),
      serialMs: r.b.map((x) => Math.round(x.ms)),
      warmUpMs: r.warmUpMs?.map(Math.round),
      pooledCpuS: cpuDetails(r.a),
      serialCpuS: cpuDetails(r.b),
      pooled: nodeSummary(r.a[0].report),
      serial: nodeSummary(r.b[0].report),
    },
  };
}

/** Whole default graph fps over decode → encode fps at the same output size (sbs-full doubles the width) and encoder. */
async function codecFloor(ctx: BenchContext): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const src = ctx.media('bikes-cuts.mp4');
  const frames = ctx.sizes.clipFrames || 250;
  const wide = path.join(ctx.tmpDir, `bikes-1280x272-${frames}.mp4`);
  if (!existsSync(wide)) await makeScaledClip(src, wide, 1280, 272, frames);
  const codec: GraphDocument = {
    schemaVersion: 1,
    nodes: [
      { id: 'decode', type: 'decode', params: { path: wide }, position: { x: 0, y: 0 } },
      { id: 'encode', type: 'encode', params: {}, position: { x: 1, y: 0 } },
    ],
    edges: [{ source: 'decode', sourcePort: 'frames', target: 'encode', targetPort: 'video' }],
  };
  const fresh = (graph: GraphDocument): Promise<TimedRun> => childRun(ctx, graph);
  const r = await mirrored(
    () => {
      ctx.log(`engine: codec floor, default graph on bikes-cuts x ${frames}`);
      return fresh(defaultGraph({ decode: { path: src, end: frames }, depth: depthDefaults(ctx) }));
    },
    () => {
      ctx.log('engine: codec floor, decode → encode at 1280x272');
      return fresh(codec);
    },
  );
  const wholeFps = (2 * frames * 1000) / r.aMs;
  const floorFps = (2 * frames * 1000) / r.bMs;
  const allow = coresAllow(r.a, r.bMs);
  return {
    figures: [
      figure('whole graph fps, 640x272 → sbs 1280x272', wholeFps, { unit: 'fps', digits: 1 }),
      figure('decode→encode fps at 1280x272', floorFps, { unit: 'fps', digits: 1 }),
      figure('codec-floor ratio (whole graph / decode→encode)', ratio(wholeFps, floorFps), {
        target: { op: '>=', value: 0.5 },
        digits: 3,
        note: `two runs a side in the order whole, floor, floor, whole (pairs ${(r.b[0].ms / r.a[0].ms).toFixed(2)} and ${(r.b[1].ms / r.a[1].ms).toFixed(2)})`,
      }),
      figure('whole graph runs: CPU used / (wall × cores)', allow.busy, { digits: 2, note: 'anelo and the ffmpeg and ffprobe processes it starts, together' }),
      figure('codec-floor ratio the cores allow (floor wall / (whole graph CPU ÷ cores))', allow.ceiling, {
        digits: 3,
        note: 'the ratio if the whole graph kept every core busy from start to end with the CPU it used',
      }),
    ],
    details: {
      codecFloorFrames: frames,
      wholeMs: r.a.map((x) => Math.round(x.ms)),
      floorMs: r.b.map((x) => Math.round(x.ms)),
      wholeCpuS: cpuDetails(r.a),
      floorCpuS: cpuDetails(r.b),
      whole: nodeSummary(r.a[0].report),
    },
  };
}

/**
 * Three previews of `warp` at 720p frames no chunk holds yet on `ex`, FastDepth loaded (engineCase's warmDepth, on
 * the services every executor here shares): wall and CPU times, frames computed per node.
 */
async function timePreviews(ex: Executor, graph: GraphDocument): Promise<{ times: number[]; cpu: number[]; computed: Record<string, number>[] }> {
  const times: number[] = [];
  const cpu: number[] = [];
  const computed: Record<string, number>[] = [];
  for (const frame of [40, 75, 110]) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const r = await ex.preview(graph, { nodeId: 'warp', frame });
    await ex.previewPng(r);
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    computed.push(r.computed);
  }
  return { times, cpu, computed };
}

async function previewLatency(ctx: BenchContext): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const graph = defaultGraph({ decode: { path: ctx.media('bbb-5s-720p.mp4') }, depth: depthDefaults(ctx) });
  // A fresh executor whose threads start with the first warp preview (the figure with the target)...
  const cold = executor(ctx);
  await cold.previewPng(await cold.preview(graph, { nodeId: 'decode', frame: 0 }), 64);
  const c = await timePreviews(cold, graph);
  await cold.close();
  // ...and one warmed up as the editor's server warms its own at start (warm-up-pool.ts, on unless ANELO_WARM_UP=0):
  // what a user scrubbing in the editor waits for.
  const warm = executor(ctx);
  await warmUpPool(warm);
  await warm.previewPng(await warm.preview(graph, { nodeId: 'decode', frame: 0 }), 64);
  const w = await timePreviews(warm, graph);
  await warm.close();
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[1];
  return {
    figures: [
      figure('preview latency, warp at a new 720p frame (median of 3)', median(c.times), { unit: 'ms', digits: 0, target: { op: '<=', value: 1500 } }),
      // This process's CPU (every thread; ffmpeg's decode not included): half of it is the wall time two idle cores
      // could reach, so a loaded machine's share of the latency can be told from the work's.
      figure('preview CPU, every thread of the process (median of 3)', median(c.cpu), { unit: 'ms', digits: 0 }),
      figure('preview latency after the warm-up the editor server does at start (median of 3)', median(w.times), { unit: 'ms', digits: 0, note: 'the same three frames on an executor warmed up by warmUpPool first' }),
    ],
    details: { previewMs: c.times.map(Math.round), previewCpuMs: c.cpu.map(Math.round), previewComputed: c.computed, warmPreviewMs: w.times.map(Math.round), warmPreviewCpuMs: w.cpu.map(Math.round) },
  };
}

/** p99 of the event loop's delay while one render and 20 previews run on one executor, as in the editor's server. */
async function eventLoopDelay(ctx: BenchContext): Promise<{ figures: Figure[]; details: Record<string, unknown> }> {
  const ex = executor(ctx);
  const src = ctx.media('bikes-cuts.mp4');
  const frames = Math.min(ctx.sizes.clipFrames || 250, 160);
  const graph = defaultGraph({ decode: { path: src }, depth: depthDefaults(ctx) });
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  const render = ex.run(graph, { frames: { start: 0, end: frames }, outputs: { encode: path.join(ctx.newDir('out'), 'out.mp4') } });
  const previews = Array.from({ length: 20 }, async (_, k) => {
    const r = await ex.preview(graph, { nodeId: k % 2 ? 'warp' : 'smooth', frame: 5 + k * 11 });
    return ex.previewPng(r, 640);
  });
  await Promise.all([render, ...previews]);
  h.disable();
  await ex.close();
  const p99 = h.percentile(99) / 1e6;
  return {
    figures: [figure('event-loop delay p99, render + 20 concurrent previews', p99, { unit: 'ms', digits: 0, target: { op: '<', value: 100 } })],
    details: { eventLoopMaxMs: Math.round(h.max / 1e6), eventLoopMeanMs: Number((h.mean / 1e6).toFixed(1)) },
  };
}

export async function engineCase(ctx: BenchContext): Promise<CaseResult> {
  await warmDepth(ctx, depthDefaults(ctx));
  const parts = [await workAndSpeedup(ctx), await codecFloor(ctx), await previewLatency(ctx), await eventLoopDelay(ctx)];
  return {
    figures: parts.flatMap((p) => p.figures),
    details: Object.assign({}, ...parts.map((p) => p.details)),
    notes: [
      'Work ratios count frames computed per node in one run (exact, not estimated); 1.00 = every frame once.',
      'The codec floor decodes a clip pre-scaled to the output size, so both sides encode the same pixels with the same settings.',
    ],
  };
}
