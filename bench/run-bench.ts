/**
 * The harness: runs each case in isolation (a failure is recorded as {error} and the run goes on), writes
 * <out>/<timestamp>.json and .md. bench/main.ts is its command line.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { clusterCase } from './cases/cluster.ts';
import { engineCase } from './cases/engine.ts';
import { memoryCase } from './cases/memory.ts';
import { overheadCase } from './cases/overhead.ts';
import { peerCase } from './cases/peer.ts';
import { perNodeCase } from './cases/per-node.ts';
import { previewCase } from './cases/preview.ts';
import { qualityCase } from './cases/quality.ts';
import { retuneCase } from './cases/retune.ts';
import { daContractModel, realModelsDir, removeDaContractModel } from './lib/bench-models.ts';
import { createContext, type BenchContext } from './lib/context.ts';
import type { CaseResult } from './lib/figures.ts';
import { machineInfo } from './lib/machine.ts';
import { renderMarkdown } from './lib/markdown.ts';
import { parseOptions, type CaseName } from './lib/options.ts';
import type { BenchResults } from './lib/results.ts';
import { sharedPath } from '../test/helpers/shared-data.ts';
import { threadBundle } from '../server/engine/pool/thread-bundle.ts';

const CASES: Record<CaseName, (ctx: BenchContext) => Promise<CaseResult>> = {
  retune: retuneCase,
  preview: previewCase,
  overhead: overheadCase,
  memory: memoryCase,
  'per-node': perNodeCase,
  peer: peerCase,
  quality: qualityCase,
  engine: engineCase,
  cluster: clusterCase,
};

/** Runs the harness; returns the results and the files written. `replace` swaps case implementations (tests). */
export async function runBench(argv: string[], replace: Partial<typeof CASES> = {}): Promise<{ results: BenchResults; jsonPath: string; mdPath: string; markdown: string }> {
  // CI sets ANELO_MODELS_DIR=../shared/models; default to it here too, so child processes see the same models.
  if (!process.env.ANELO_MODELS_DIR && realModelsDir() === undefined) process.env.ANELO_MODELS_DIR = sharedPath('models');
  const opts = parseOptions(argv, os.cpus().length);
  const started = new Date();
  const t0 = performance.now();
  // The threads' code is bundled once per change of the sources (thread-bundle.ts): made here, before any case, so
  // no timed run pays for it (the first pooled run after a change took 2–3 s more CPU than the next one).
  await threadBundle();
  const ctx = await createContext(opts);
  const results: BenchResults = {
    startedAt: started.toISOString(),
    scale: opts.scale,
    totalMs: 0,
    threads: opts.threads,
    machine: machineInfo(),
    models: { graph: ctx.model.description, peer: daContractModel(opts.scale).description, real: ctx.model.real },
    cases: {},
    targets: [],
  };
  try {
    for (const name of opts.cases) {
      const c0 = performance.now();
      ctx.log(`case ${name}`);
      try {
        const r = await (replace[name] ?? CASES[name])(ctx);
        results.cases[name] = { ...r, ms: Math.round(performance.now() - c0) };
      } catch (e) {
        const err = e as Error;
        ctx.log(`case ${name} failed: ${err.message}`);
        results.cases[name] = { error: err.message ?? String(e), stack: err.stack, ms: Math.round(performance.now() - c0) };
      }
    }
  } finally {
    await ctx.services.close();
    rmSync(ctx.tmpDir, { recursive: true, force: true });
    removeDaContractModel();
  }
  results.totalMs = Math.round(performance.now() - t0);
  for (const [name, c] of Object.entries(results.cases)) {
    if ('error' in c) continue;
    for (const f of c.figures) {
      if (f.target) results.targets.push({ case: name, figure: f.name, value: f.value, target: `${f.target.op} ${f.target.value}`, met: f.met ?? null });
    }
  }
  mkdirSync(opts.outDir, { recursive: true });
  const stamp = started.toISOString().replace(/[:.]/g, '-');
  const jsonPath = path.join(opts.outDir, `${stamp}.json`);
  const mdPath = path.join(opts.outDir, `${stamp}.md`);
  const markdown = renderMarkdown(results);
  writeFileSync(jsonPath, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(mdPath, markdown);
  return { results, jsonPath, mdPath, markdown };
}
