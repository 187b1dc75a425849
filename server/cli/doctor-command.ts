/** `anelo doctor [--json]`: which ffmpeg, ffprobe, onnxruntime providers, cache, model and data folders are in use. */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { modelSearchDirs } from '../depth/model-dirs.ts';
import { hugePages, mallocArenas, type HugePages, type MallocArenas } from '../engine/huge-pages.ts';
import { resolveServerOptions } from '../http/server-options.ts';
import { ffmpegChoice, ffprobeChoice, MIN_SYSTEM_MAJOR, versionLine, type BinaryChoice } from '../media/ffmpeg-paths.ts';
import { maxPixels } from '../media/max-pixels.ts';

export interface DoctorReport {
  ffmpeg: BinaryChoice;
  ffprobe: BinaryChoice;
  onnxruntime: { providers: { name: string; bundled: boolean }[] } | { error: string };
  cacheDir: { path: string; exists: boolean };
  modelDirs: { path: string; exists: boolean }[];
  dataDir: { path: string; exists: boolean };
  maxPixels: number;
  hugePages: HugePages;
  mallocArenas: MallocArenas;
  /** How a render uses the cores (ANELO_WORKERS): the pool's threads and depth inference's threads. */
  threads: { pool: number; depthThreads: number; intraOp: number } | { error: string };
  advice: string[];
}

/** The pool's threads and how depth inference shares the cores, as a run started now would have them. */
async function threadPlan(): Promise<DoctorReport['threads']> {
  try {
    const [{ defaultWorkerCount }, { depthCores }, { depthThreadPlan }] = await Promise.all([
      import('../engine/pool/node-pool.ts'),
      import('../services.ts'),
      import('../depth/depth-thread.ts'),
    ]);
    const pool = defaultWorkerCount();
    const cores = depthCores(pool);
    if (cores === 0) return { pool: 0, depthThreads: 0, intraOp: 0 };
    const plan = depthThreadPlan(cores);
    return { pool, depthThreads: plan.threads, intraOp: plan.intraOp };
  } catch (e) {
    return { error: (e as Error).message };
  }
}

function threadsLine(t: DoctorReport['threads']): string {
  if ('error' in t) return `not usable: ${t.error}`;
  if (t.pool === 0) return 'everything on the main thread (ANELO_WORKERS=0)';
  // More than one is an offer: a model whose frame costs little on one thread stays on one (intra-op-choice.ts).
  const cheap = t.intraOp > 1 ? ', 1 for a model cheap enough' : '';
  const depth = `${t.depthThreads} depth thread${t.depthThreads === 1 ? '' : 's'} × ${t.intraOp} onnxruntime thread${t.intraOp === 1 ? '' : 's'}${cheap}`;
  return `${t.pool} pool thread${t.pool === 1 ? '' : 's'}, ${depth} (ANELO_WORKERS; a depth node's threads param overrides the onnxruntime threads)`;
}

function binaryLine(name: string, b: BinaryChoice): string {
  const why = b.source === 'env' ? `from ANELO_${name.toUpperCase()}_PATH` : b.source === 'system' ? 'system, on PATH' : 'bundled with npm ci';
  return `${name.padEnd(12)} ${b.path}\n${''.padEnd(13)}${b.version ?? '(version unknown)'} (${why})`;
}

export async function doctorReport(cacheDir: string): Promise<DoctorReport> {
  const withVersion = (b: BinaryChoice): BinaryChoice => ({ ...b, version: b.version ?? versionLine(b.path) });
  const ffmpeg = withVersion(ffmpegChoice());
  const ffprobe = withVersion(ffprobeChoice());
  let onnxruntime: DoctorReport['onnxruntime'];
  try {
    const { availableProviders } = await import('../depth/onnx-session.ts');
    onnxruntime = { providers: availableProviders() };
  } catch (e) {
    onnxruntime = { error: (e as Error).message };
  }
  const advice: string[] = [];
  if (ffmpeg.source === 'bundled' || ffprobe.source === 'bundled') {
    advice.push(`the bundled ffmpeg/ffprobe are old snapshots: install ffmpeg ${MIN_SYSTEM_MAJOR} or newer (e.g. apt-get install ffmpeg) and anelo uses it`);
  }
  const pages = hugePages();
  if (!pages.active && !pages.requested && pages.kernel === 'madvise') {
    advice.push('big frames cost a page fault per 4 KiB here: start anelo as `npx anelo` or `npm start` (bin/with-malloc-tunables), which asks glibc for transparent huge pages (a 1080p render ran ~20 % faster so)');
  }
  const arenas = mallocArenas();
  if (arenas.glibc && arenas.arenaMax === undefined) {
    advice.push('each thread has a malloc arena of its own, and frames the pool makes fault in page by page: `npx anelo` or `npm start` (bin/with-malloc-tunables) give all threads one (a 640x272 render took about a third of the page faults so)');
  }
  if (arenas.glibc && arenas.keepMB === undefined) {
    advice.push('frames freed by a collection go back to the kernel and the next ones fault in anew: `npx anelo` or `npm start` (bin/with-malloc-tunables) keep up to 256 MiB for reuse (a 1080p render ran 7–13 % faster so)');
  }
  const dataDir = resolveServerOptions({}).dataDir;
  return {
    ffmpeg,
    ffprobe,
    onnxruntime,
    cacheDir: { path: cacheDir, exists: existsSync(cacheDir) },
    modelDirs: modelSearchDirs().map((p) => ({ path: p, exists: existsSync(p) })),
    dataDir: { path: dataDir, exists: existsSync(dataDir) },
    maxPixels: maxPixels(),
    hugePages: pages,
    mallocArenas: arenas,
    threads: await threadPlan(),
    advice,
  };
}

export async function doctorCommand(argv: string[], cacheDir: string): Promise<number> {
  const { values } = parseArgs({ args: argv, options: { json: { type: 'boolean' }, verbose: { type: 'boolean' } } });
  const r = await doctorReport(cacheDir);
  if (values.json) {
    process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
    return 0;
  }
  const mark = (e: boolean): string => (e ? '' : ' (missing)');
  const providers = 'providers' in r.onnxruntime ? r.onnxruntime.providers.map((p) => `${p.name}${p.bundled ? '' : ' (needs extra libraries)'}`).join(', ') : `not loadable: ${r.onnxruntime.error}`;
  const lines = [
    binaryLine('ffmpeg', r.ffmpeg),
    binaryLine('ffprobe', r.ffprobe),
    `onnxruntime  ${providers}`,
    `cache        ${r.cacheDir.path}${mark(r.cacheDir.exists)}`,
    `models       ${r.modelDirs.map((d) => `${d.path}${mark(d.exists)}`).join('\n             ')}`,
    `editor data  ${r.dataDir.path}${mark(r.dataDir.exists)}`,
    `max pixels   ${r.maxPixels} per frame (ANELO_MAX_PIXELS)`,
    `huge pages   ${r.hugePages.active ? 'on' : 'off'}: ${r.hugePages.why}`,
    `malloc       ${r.mallocArenas.why}`,
    `threads      ${threadsLine(r.threads)}`,
    ...r.advice.map((a) => `advice: ${a}`),
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}
