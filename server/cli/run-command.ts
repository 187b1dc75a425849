/** `anelo run <graph.json> --input <video> --output <file> [--set n.p=v ...] [--frames a:b] [--report f] [--cache-dir d]` */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AneloError } from '../../nodes/core/errors.ts';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';
import { ChunkCache } from '../engine/chunk-cache.ts';
import { Executor } from '../engine/executor.ts';
import type { RunReport } from '../../nodes/core/events.ts';
import { parseGraph } from '../engine/load-graph.ts';
import { bindInput, outputPaths, outputSlots } from '../../nodes/core/run-files.ts';
import { NODE_DEFINITIONS } from '../../nodes/index.ts';
import { sweepTemps } from '../fs/temp-files.ts';
import { writeFileAtomic } from '../fs/write-file-atomic.ts';
import { checkRunPaths } from './check-run-paths.ts';
import { stopOnSignal } from './stop-on-signal.ts';
import { createServices } from '../services.ts';
import { applyOverrides, parseSet } from './parse-set.ts';
import { createProgressView } from './progress-view.ts';

export interface RunArgs {
  /** Worker threads for pixel nodes; undefined = ANELO_WORKERS or one per core, 0 = main thread only. */
  workers?: number;
  graph: string;
  input?: string;
  output?: string;
  set: string[];
  frames?: string;
  report?: string;
  cacheDir: string;
  quiet?: boolean;
}

export function parseFrames(text: string): { start: number; end?: number } {
  const m = /^(\d+)?:(\d+)?$/.exec(text);
  if (!m) throw new AneloError('ANELO_E050_BAD_ARGUMENT', `--frames "${text}": expected <start>:<end>, e.g. 0:100`, {});
  return { start: m[1] ? Number(m[1]) : 0, end: m[2] ? Number(m[2]) : undefined };
}

/**
 * Points source nodes without a file at --input and maps --output onto sink nodes (nodes/core/run-files.ts). A graph
 * with no sink renders nothing: that is E032 (as the server answers it), not a run that "succeeds" without writing
 * the file asked for.
 */
export function bindFiles(graph: GraphDocument, input?: string, output?: string, graphFile = 'the graph'): { graph: GraphDocument; outputs: Record<string, string> } {
  if (outputSlots(graph, NODE_DEFINITIONS).length === 0) {
    throw new AneloError('ANELO_E032_NO_OUTPUT_PATH', `${graphFile} has no node that writes a file (an "Encode video" node), so there is nothing to render${output ? ` to ${path.resolve(output)}` : ''}: add one and connect it`, { file: graphFile === 'the graph' ? undefined : graphFile });
  }
  const g = structuredClone(graph);
  if (input) bindInput(g, NODE_DEFINITIONS, localFile('input', input), 'unset');
  return { graph: g, outputs: output ? outputPaths(g, NODE_DEFINITIONS, localFile('output', output)) : {} };
}

/**
 * `--input` or `--output` as an absolute path. A file: URL is its path; "-" (standard input or output) and other
 * URLs are refused by name: they were taken for file names ("input file not found: /home/me/http:/host/a.mp4").
 */
function localFile(option: 'input' | 'output', value: string): string {
  if (/^file:\/\//i.test(value)) return fileURLToPath(value);
  const verb = option === 'input' ? 'reads' : 'writes';
  if (value === '-') {
    throw new AneloError('ANELO_E050_BAD_ARGUMENT', `--${option} -: anelo ${verb} video files, not standard ${option}; give a file${option === 'output' ? ' name such as out.mp4' : ''}`, { param: option });
  }
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(value)?.[1];
  if (scheme) {
    const hint = option === 'input' ? 'download it first and give the file' : 'write to a file, then copy it there';
    throw new AneloError('ANELO_E050_BAD_ARGUMENT', `--${option} ${value.slice(0, 100)}: anelo ${verb} local files, not ${scheme} URLs; ${hint}`, { param: option });
  }
  return path.resolve(value);
}

/** The graph file's text; E010 says whether it is missing, a folder or unreadable. */
export async function readGraphFile(file: string): Promise<string> {
  try {
    return await fs.readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'not found' : code === 'EISDIR' ? 'is a folder, not a graph file' : code === 'EACCES' || code === 'EPERM' ? 'cannot be read (permission denied)' : `cannot be read (${code ?? (e as Error).message})`;
    throw new AneloError('ANELO_E010_INPUT_MISSING', `graph file ${why}: ${path.resolve(file)}`, { file });
  }
}

export async function runCommand(a: RunArgs): Promise<RunReport> {
  const loaded = parseGraph(await readGraphFile(a.graph), a.graph);
  const overridden = applyOverrides(loaded, a.set.map(parseSet));
  // Validate again: an override can name an unknown param or a value out of range.
  const { graph, outputs } = bindFiles(parseGraph(JSON.stringify(overridden), a.graph), a.input, a.output, a.graph);
  await checkRunPaths({ graphFile: a.graph, graph, outputs, report: a.report, cacheDir: a.cacheDir });
  // Partials a killed run left beside the outputs go now (only files of processes that are gone).
  for (const out of new Set(Object.values(outputs).map((o) => path.dirname(o)))) await sweepTemps(out);
  const services = await createServices({}, { workers: a.workers });
  // Cache trouble (a disk that fills, a corrupt entry) is one of the run's warnings (E037), printed as it happens.
  const executor = new Executor({ services, workers: a.workers, cache: new ChunkCache({ diskDir: a.cacheDir, oneRun: true }) });
  const controller = new AbortController();
  const stopListening = stopOnSignal(controller);
  const sinks = outputSlots(graph, NODE_DEFINITIONS).map((s) => s.node.id);
  const view = a.quiet ? undefined : createProgressView(process.stderr, sinks);
  const unwatchLoads = view && services.depth.onModelLoad?.((e) => view.modelLoad(e));
  try {
    const report = await executor.run(graph, {
      frames: a.frames ? parseFrames(a.frames) : undefined,
      outputs,
      signal: controller.signal,
      onEvent: view,
    });
    if (a.report) await writeFileAtomic(a.report, JSON.stringify(report, null, 2));
    return report;
  } finally {
    unwatchLoads?.();
    // Listening on until the threads are closed (and after, once a signal stopped the run: stop-on-signal.ts): a
    // second Ctrl-C (or SIGTERM) during that wait still removes the temp files and exits 130, where with no handler
    // left it killed the process outright (exit 143 on SIGTERM, seen when the run had already stopped 10 ms after the
    // first signal).
    try {
      await services.close();
      await executor.close();
    } finally {
      stopListening();
    }
  }
}

export function formatReport(r: RunReport): string {
  const rows = Object.entries(r.nodes).map(([id, n]) => `  ${id.padEnd(12)} ${n.type.padEnd(16)} ${n.status.padEnd(7)} ${String(n.computedFrames).padStart(6)} frames ${String(n.ms).padStart(8)} ms`);
  const outs = Object.values(r.outputs).map((o) => `  wrote ${o}`);
  // Printed on stderr as they happened too; here with the outcome, and for a cluster render the only place.
  const warnings = r.warnings.map((w) => `  warning ${w}`);
  return [`done in ${r.totalMs} ms${r.warnings.length ? ` with ${r.warnings.length} warning${r.warnings.length === 1 ? '' : 's'}` : ''}`, ...rows, ...outs, ...warnings].join('\n');
}
