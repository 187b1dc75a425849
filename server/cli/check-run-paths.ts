/**
 * Everything a CLI run is about to write, checked before any work: no output or report may land on a source of
 * the run (the input video, the graph file, a model file named in a param), on another output, or on something
 * that is not a regular file, and each must land in a folder anelo can write in; the cache folder must be a folder.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { AneloError } from '../../nodes/core/errors.ts';
import type { GraphDocument } from '../../nodes/core/graph-document.ts';
import { checkOutputPath, checkWritableFolder } from '../fs/check-output-path.ts';

/** Every string param that names an existing file, except the encode nodes' own output paths. */
async function graphSources(graph: GraphDocument): Promise<string[]> {
  const out: string[] = [];
  for (const n of graph.nodes) {
    for (const [name, v] of Object.entries(n.params ?? {})) {
      if (typeof v !== 'string' || v === '' || (n.type === 'encode' && name === 'path')) continue;
      const isFile = await fs.stat(v).then((s) => s.isFile(), () => false);
      if (isFile) out.push(path.resolve(v));
    }
  }
  return out;
}

export interface RunPaths {
  graphFile: string;
  graph: GraphDocument;
  /** Encode node id → output file, as the run will write them. */
  outputs: Record<string, string>;
  report?: string;
  cacheDir?: string;
}

export async function checkRunPaths(p: RunPaths): Promise<void> {
  const sources = [path.resolve(p.graphFile), ...(await graphSources(p.graph))];
  const written: string[] = [];
  for (const n of p.graph.nodes.filter((x) => x.type === 'encode')) {
    const out = p.outputs[n.id] ?? (typeof n.params?.path === 'string' && n.params.path ? n.params.path : undefined);
    if (!out) continue;
    await checkOutputPath(out, [...sources, ...written], '--output');
    await checkWritableFolder(out, '--output');
    written.push(path.resolve(out));
  }
  if (p.report) {
    await checkOutputPath(p.report, [...sources, ...written], '--report');
    await checkWritableFolder(p.report, '--report');
  }
  if (p.cacheDir) {
    const st = await fs.stat(p.cacheDir).catch(() => undefined);
    if (st && !st.isDirectory()) {
      throw new AneloError('ANELO_E111_CACHE_DIR_INVALID', `--cache-dir ${path.resolve(p.cacheDir)} is not a folder: point it at a folder (it is created when missing)`, { file: path.resolve(p.cacheDir), param: 'cache-dir' });
    }
  }
}
