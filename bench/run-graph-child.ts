/**
 * Runs one graph in a fresh process and prints {ms, maxRssMB, report} as JSON on stdout, so peak memory of a run
 * is measured without the harness's own allocations. Usage: node bench/run-graph-child.mjs <request.json>
 */
import { promises as fs, readFileSync } from 'node:fs';
import { ChunkCache } from '../server/engine/chunk-cache.ts';
import { Executor } from '../server/engine/executor.ts';
import { loadGraph } from '../server/engine/load-graph.ts';
import { brokeredRunning, endedChildrenCpuSeconds } from '../server/media/spawn-broker.ts';
import { createServices } from '../server/services.ts';

export interface ChildRequest {
  graph: unknown;
  outputs?: Record<string, string>;
  frames?: { start: number; end?: number };
  cacheDir?: string | null;
  memoryBudgetMB?: number;
  /** Pool threads, as `anelo run --workers` sets them (default: one per core); 0 runs all on the main thread, depth too. */
  workers?: number;
}

export interface ChildCpu {
  /** CPU seconds (user + system) of this process, every thread, from the run's start until it was closed. */
  anelo: number;
  /** CPU seconds of the ffmpeg and ffprobe processes it started meanwhile; undefined where /proc cannot say. */
  ffmpeg: number | undefined;
}

/**
 * This process's own peak resident size, in MB. Not getrusage's maxRSS: on Linux that survives fork and exec, so a
 * child started by a bench process of 800 MB reported at least 800 MB whatever it used itself (the decode → encode
 * runs read 816–840 MB after the engine case had grown the bench, 346–398 MB without it). VmHWM is the high-water
 * mark of this process's own memory map, which exec starts afresh.
 */
function peakRssMB(): number {
  try {
    const kb = /^VmHWM:\s*(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1];
    if (kb) return Number(kb) / 1024;
  } catch {
    // not Linux: getrusage below
  }
  return process.resourceUsage().maxRSS / 1024;
}

const req = JSON.parse(await fs.readFile(process.argv[2], 'utf8')) as ChildRequest;
const services = await createServices({}, req.workers === undefined ? {} : { workers: req.workers });
const cache = new ChunkCache({ diskDir: req.cacheDir ?? null, oneRun: true, memoryBudgetBytes: req.memoryBudgetMB ? req.memoryBudgetMB * 2 ** 20 : undefined });
const executor = new Executor({ services, cache, workers: req.workers });
const c0 = process.cpuUsage();
const f0 = endedChildrenCpuSeconds();
const t0 = performance.now();
const report = await executor.run(loadGraph(req.graph), { outputs: req.outputs, frames: req.frames });
const ms = performance.now() - t0;
await executor.close();
await services.close();
// The run's decoders are closed with the services; their CPU counts once the spawn helper has collected them.
for (let waited = 0; brokeredRunning() > 0 && waited < 10_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
const c = process.cpuUsage(c0);
const f1 = endedChildrenCpuSeconds();
const cpu: ChildCpu = { anelo: (c.user + c.system) / 1e6, ffmpeg: f0 === undefined || f1 === undefined ? undefined : f1 - f0 };
process.stdout.write(`${JSON.stringify({ ms, maxRssMB: peakRssMB(), report, cpu })}\n`);
