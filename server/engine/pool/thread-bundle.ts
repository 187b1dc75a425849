/**
 * The code worker threads run, and the command line itself, bundled into plain JavaScript by esbuild (the one importer
 * of it) once per change of the sources. A thread that loads the TypeScript sources through tsx starts a module-hooks
 * thread of its own and resolves and compiles ~100 files: measured here, 1.3 s of CPU and 1.7 s before its first task,
 * against 0.2 s for the bundle. Three threads start per run on 2 cores (one depth, two pool), and the pool's idle
 * threads exit and start again later, so a preview after a pause paid that start again. The CLI's process pays the same
 * once per command: `anelo --help` took 1.1–1.2 s (1.8 s of CPU) through tsx and 0.4–0.5 s (0.6 s) from the bundle;
 * bin/anelo.mjs starts from it when it is current (current-bundle.mjs) and otherwise runs the sources through tsx and
 * has the bundle made for the next command.
 *
 * The bundle lives in node_modules/.cache/anelo/threads (next to the packages it imports, which stay external) and
 * is reused while every input file keeps its size and mtime. Each module keeps its own `import.meta.url`, so paths
 * taken relative to a source file mean what they mean in the sources. Any trouble building it is not an error: the
 * threads then load the sources through tsx, as before (and `ANELO_THREAD_BUNDLE=0` asks for that, for the CLI too).
 */
import { randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Plugin } from 'esbuild';
import { BUNDLE_DIR as CACHE_DIR, currentManifest, ROOT, type BundleManifest as Manifest } from './current-bundle.mjs';

const CURRENT = path.join(CACHE_DIR, 'current.json');
/**
 * Bundles older than this are removed when a new one is made. A process started from one still reads it (a server
 * started from the bundle loads its lazy parts, previews among them, from there), hence a week, not a day.
 */
const KEEP_MS = 7 * 24 * 3600_000;

const ENTRIES = {
  'node-tasks': 'server/engine/pool/node-tasks.ts',
  'depth-tasks': 'server/depth/depth-tasks.ts',
  nodes: 'nodes/index.ts',
  // The command line (bin/anelo.mjs imports it; importing it runs the command in process.argv).
  cli: 'server/cli/main.ts',
} as const;

/** File URLs of the bundled entry points, and the source each stands for. */
export interface ThreadBundle {
  nodeTasks: string;
  depthTasks: string;
  /** The bundled `nodes/index.ts` (the shipped node definitions), and that source's URL. */
  nodes: string;
  nodesSource: string;
}

let memo: Promise<ThreadBundle | undefined> | undefined;

/** The bundle, built or checked once per process; undefined when threads should load the sources through tsx. */
export function threadBundle(): Promise<ThreadBundle | undefined> {
  if (process.env.ANELO_THREAD_BUNDLE === '0') return Promise.resolve(undefined);
  // Every entry is made at once, so one being current means all are.
  return (memo ??= Promise.resolve()
    .then(() => currentManifest('cli') ?? make())
    .then(urls)
    .catch(() => undefined));
}

function urls(m: Manifest): ThreadBundle {
  const at = (name: string): string => pathToFileURL(path.join(CACHE_DIR, m.id, `${name}.mjs`)).href;
  return { nodeTasks: at('node-tasks'), depthTasks: at('depth-tasks'), nodes: at('nodes'), nodesSource: pathToFileURL(path.join(ROOT, ENTRIES.nodes)).href };
}

/**
 * The expression keepModuleUrls rewrites, spelled so that this file's own text never holds it: this file is bundled
 * too, and a quoted `import.meta.url` here became the file's URL in the bundle, so a bundle made by a process started
 * from the bundle (sources changed while it ran) rewrote nothing, and every command after it failed to find
 * spawn-broker-process.mjs beside the bundle.
 */
export const META_URL = ['import', 'meta', 'url'].join('.');

/** Replaces `import.meta.url` in each project source by that file's own URL before esbuild merges the modules. */
const keepModuleUrls: Plugin = {
  name: 'anelo-module-urls',
  setup(b) {
    b.onLoad({ filter: /\.(ts|mjs)$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const text = await fs.readFile(args.path, 'utf8');
      return { contents: text.replaceAll(META_URL, JSON.stringify(pathToFileURL(args.path).href)), loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
    });
  },
};

/**
 * Packages stay external (imported from node_modules as they are), except TypeBox: it is ~270 small ES modules, and
 * resolving and loading them was most of a thread's start (~155 ms of CPU of ~250 in each of four threads, and in
 * the command line's own start); bundled, the few functions the node definitions use come with the code. Its
 * schemas are plain objects marked with registered symbols, so they mix with those of the copy fastify's type
 * provider imports.
 */
const packagesExternal: Plugin = {
  name: 'anelo-packages-external',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => (/^@sinclair\/typebox(\/|$)/.test(args.path) ? undefined : { path: args.path, external: true }));
  },
};

async function make(): Promise<Manifest> {
  const id = randomUUID();
  const outdir = path.join(CACHE_DIR, id);
  // Loaded only to build, and required, not imported: every command loads this module, and an ES import of esbuild
  // (CommonJS) had Node lex its 100 KB of source for export names at each start (~90 ms, TurboFan compiling the lexer).
  const { build } = createRequire(import.meta.url)('esbuild') as typeof import('esbuild');
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: Object.fromEntries(Object.entries(ENTRIES).map(([out, src]) => [out, path.join(ROOT, src)])),
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    outExtension: { '.js': '.mjs' },
    metafile: true,
    logLevel: 'silent',
    plugins: [packagesExternal, keepModuleUrls],
  });
  // Every module's own URL was written in: one left would resolve its files beside the bundle, where they are not.
  for (const out of Object.keys(result.metafile.outputs)) {
    if ((await fs.readFile(path.join(ROOT, out), 'utf8')).includes(META_URL)) {
      await fs.rm(outdir, { recursive: true, force: true });
      throw new Error(`${out} still reads ${META_URL}`);
    }
  }
  const inputs: Manifest['inputs'] = await Promise.all(
    Object.keys(result.metafile.inputs).map(async (file) => {
      const s = await fs.stat(path.join(ROOT, file));
      return [file, s.size, s.mtimeMs] as [string, number, number];
    }),
  );
  const manifest: Manifest = { id, root: ROOT, inputs };
  const tmp = `${CURRENT}.${id}`;
  await fs.writeFile(tmp, JSON.stringify(manifest));
  await fs.rename(tmp, CURRENT);
  await pruneOld(id);
  return manifest;
}

async function pruneOld(keep: string): Promise<void> {
  const now = Date.now();
  for (const name of await fs.readdir(CACHE_DIR)) {
    if (name === keep || name.endsWith('.json') || name.includes('.json.')) continue;
    const dir = path.join(CACHE_DIR, name);
    const s = await fs.stat(dir).catch(() => undefined);
    if (s?.isDirectory() && now - s.mtimeMs > KEEP_MS) await fs.rm(dir, { recursive: true, force: true }).catch(() => {});
  }
}
