/**
 * Runs one graph in a fresh process and prints {ms, maxRssMB, report} as JSON on stdout, so peak memory of a run
 * is measured without the harness's own allocations. Usage: tsx bench/run-graph-child.ts <request.json>
 */
import { promises as fs } from 'node:fs';
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

const req = JSON.parse(await fs.readFile(process.argv[2], 'utf8')) as ChildRequest;
const services = await createServices();
const cache = new ChunkCache({ diskDir: req.cacheDir ?? null, memoryBudgetBytes: req.memoryBudgetMB ? req.memoryBudgetMB * 2 ** 20 : undefined });
const executor = new Executor({ services, cache });
const t0 = performance.now();
const report = await executor.run(loadGraph(req.graph), { outputs: req.outputs, frames: req.frames });
const ms = performance.now() - t0;
await services.close();
process.stdout.write(`${JSON.stringify({ ms, maxRssMB: process.resourceUsage().maxRSS / 1024, report })}\n`);
