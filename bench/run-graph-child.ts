/**
 * Runs one graph in a fresh process and prints {ms, maxRssMB, report} as JSON on stdout, so peak memory of a run
 * is measured without the harness's own allocations. Usage: node bench/run-graph-child.mjs <request.json>
 */
import { promises as fs, readFileSync } from 'node:fs';
import { ChunkCache } from '../server/engine/chunk-cache.ts';
import { Executor } from '../server/engine/executor.ts';
import { loadGraph } from '../server/engine/load-graph.ts';
import { createServices } from '../server/services.ts';

export interface ChildRequest {
  graph: unknown;
  outputs?: Record<string, string>;
  frames?: { start: number; end?: number };
  cacheDir?: string | null;
  memoryBudgetMB?: number;
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
const services = await createServices();
const cache = new ChunkCache({ diskDir: req.cacheDir ?? null, memoryBudgetBytes: req.memoryBudgetMB ? req.memoryBudgetMB * 2 ** 20 : undefined });
const executor = new Executor({ services, cache });
const t0 = performance.now();
const report = await executor.run(loadGraph(req.graph), { outputs: req.outputs, frames: req.frames });
const ms = performance.now() - t0;
await services.close();
process.stdout.write(`${JSON.stringify({ ms, maxRssMB: peakRssMB(), report })}\n`);
