/**
 * End-to-end setup: the built editor served by the real server (in-process, port 0, temp folders, the shared
 * sample clips), a tiny depth model so depth previews work without real weights, and one headless Chromium per
 * test file. Built-in presets are the repository's `graphs/` plus the small graphs the tests open.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ModelStore } from '../../server/depth/model-store.ts';
import { buildServer } from '../../server/http/build-server.ts';
import { PROJECT_ROOT, hasShared, sharedPath } from '../helpers/shared-data.ts';
import { writeDepthAnythingLike } from '../helpers/test-models.ts';

export const SCREENSHOT_DIR = path.join(PROJECT_ROOT, 'test-output', 'e2e');
const CLIENT_DIR = path.join(PROJECT_ROOT, 'dist', 'client');
const CHROMIUM = process.env.ANELO_CHROMIUM ?? '/usr/bin/chromium';

/** Id of the depth model the test graphs use: a sidecar model written per run (a linear function of colour). */
export const TEST_MODEL_ID = 'e2e-depth';
export const CLIP = 'carphone-176x144.mp4';

const node = (id: string, type: string, x: number, y: number, params: Record<string, unknown> = {}) => ({ id, type, params, position: { x, y } });
const edge = (source: string, sourcePort: string, target: string, targetPort: string) => ({ source, sourcePort, target, targetPort });

/** Small graphs offered as built-in presets, so a test opens them the way a user would. */
export const TEST_GRAPHS = {
  'e2e-decode-encode': {
    schemaVersion: 1,
    name: 'e2e-decode-encode',
    nodes: [node('decode', 'decode', 0, 0), node('encode', 'encode', 320, 0, { preset: 'ultrafast', crf: 30, audio: false })],
    edges: [edge('decode', 'frames', 'encode', 'video')],
  },
  // A render long enough to be cancelled mid-encode on any machine: x264 at veryslow takes tens of seconds for
  // bbb-60s, where the one above finished ultrafast in a few, sometimes before a test could press Cancel.
  'e2e-slow-encode': {
    schemaVersion: 1,
    name: 'e2e-slow-encode',
    nodes: [node('decode', 'decode', 0, 0), node('encode', 'encode', 320, 0, { preset: 'veryslow', crf: 18, audio: false })],
    edges: [edge('decode', 'frames', 'encode', 'video')],
  },
  'e2e-stereo': {
    schemaVersion: 1,
    name: 'e2e-stereo',
    nodes: [
      // Three columns, so the whole graph fits at a readable zoom at 1600x1000 (the encode under the decode).
      node('decode', 'decode', 0, 60),
      node('depth', 'depth', 280, 0, { model: TEST_MODEL_ID }),
      node('warp', 'stereo-warp', 560, 60, { layout: 'sbs-full' }),
      node('encode', 'encode', 0, 330, { preset: 'ultrafast' }),
    ],
    edges: [edge('decode', 'frames', 'depth', 'frames'), edge('decode', 'frames', 'warp', 'frames'), edge('depth', 'depth', 'warp', 'depth'), edge('warp', 'frames', 'encode', 'video')],
  },
  /** Two depth nodes whose frames span different ranges (the model sees the video at different sizes). */
  'e2e-two-depths': {
    schemaVersion: 1,
    name: 'e2e-two-depths',
    nodes: [
      node('decode', 'decode', 0, 60),
      node('coarse', 'depth', 280, 0, { model: TEST_MODEL_ID, inputSize: 28 }),
      node('fine', 'depth', 280, 200, { model: TEST_MODEL_ID, inputSize: 140 }),
      node('encode', 'encode', 560, 60, { preset: 'ultrafast' }),
    ],
    edges: [edge('decode', 'frames', 'coarse', 'frames'), edge('decode', 'frames', 'fine', 'frames'), edge('coarse', 'depth', 'encode', 'video')],
  },
};

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}

/**
 * Builds the editor when `dist/client` is missing or older than `client/`. Test files run in parallel, so one
 * builds (holding a lock folder) while the others wait for it.
 */
export async function ensureClientBuilt(): Promise<void> {
  const index = path.join(CLIENT_DIR, 'index.html');
  const fresh = (): boolean => existsSync(index) && statSync(index).mtimeMs >= newestMtime(path.join(PROJECT_ROOT, 'client'));
  if (fresh()) return;
  const lock = path.join(PROJECT_ROOT, 'test-output', '.e2e-build.lock');
  mkdirSync(path.dirname(lock), { recursive: true });
  try {
    mkdirSync(lock);
  } catch {
    const t0 = Date.now();
    while (existsSync(lock) && Date.now() - t0 < 60_000) await new Promise((r) => setTimeout(r, 100));
    if (fresh()) return;
    rmSync(lock, { recursive: true, force: true });
    mkdirSync(lock);
  }
  try {
    execFileSync('npx', ['vite', 'build', '--config', 'client/vite.config.ts', '--logLevel', 'warn'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

export interface E2E {
  url: string;
  app: FastifyInstance;
  context: BrowserContext;
  page: Page;
  /** Saves a screenshot of `page` (default: the main page) as test-output/e2e/<name>.png. */
  shot(name: string, page?: Page): Promise<string>;
  /** Stops the server and starts a new one on the same port over the same data folder. */
  restart(): Promise<void>;
  close(): Promise<void>;
}

export interface E2EOptions {
  viewport?: { width: number; height: number };
}

/** Starts the server over `dir`; a second start over the same folder (a restart) keeps its data. */
async function startServer(dir: string, port = 0): Promise<{ app: FastifyInstance; url: string }> {
  const models = path.join(dir, 'models');
  const builtIns = path.join(dir, 'graphs');
  if (!existsSync(models)) {
    mkdirSync(models);
    writeDepthAnythingLike(models, { weights: [0.2, 0.5, 0.3], bias: 1 }, { id: TEST_MODEL_ID, target: 56 });
  }
  // The depth node resolves models through its own store, which reads ANELO_MODELS_DIR.
  process.env.ANELO_MODELS_DIR = models;
  mkdirSync(builtIns, { recursive: true });
  for (const f of readdirSync(path.join(PROJECT_ROOT, 'graphs'))) if (f.endsWith('.json')) copyFileSync(path.join(PROJECT_ROOT, 'graphs', f), path.join(builtIns, f));
  for (const [name, g] of Object.entries(TEST_GRAPHS)) writeFileSync(path.join(builtIns, `${name}.json`), JSON.stringify(g));
  const app = await buildServer({
    port: 0,
    dataDir: path.join(dir, 'data'),
    cacheDir: path.join(dir, 'cache'),
    builtInGraphsDir: builtIns,
    sampleMediaDir: hasShared('media') ? sharedPath('media') : null,
    logs: false,
    modelStore: new ModelStore({ dirs: [models], installDir: models, hashCacheFile: null }),
  });
  await app.listen({ port, host: '127.0.0.1' });
  return { app, url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}` };
}

/** Server, browser and one page; call `close()` in afterAll. */
export async function startE2E(opts: E2EOptions = {}): Promise<E2E> {
  await ensureClientBuilt();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anelo-e2e-'));
  let { app, url } = await startServer(dir);
  const context = await chromium.launchPersistentContext(path.join(dir, 'profile'), {
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    viewport: opts.viewport ?? { width: 1440, height: 900 },
    acceptDownloads: true,
  });
  // A first preview starts the depth and pool threads and loads a model: on a 2-core CI machine running two test
  // files at once that has taken over 15 s.
  context.setDefaultTimeout(30_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    url,
    get app() {
      return app;
    },
    context,
    page,
    async shot(name, p = page) {
      const file = path.join(SCREENSHOT_DIR, `${name}.png`);
      await p.screenshot({ path: file });
      return file;
    },
    async restart() {
      const port = Number(new URL(url).port);
      await app.close().catch(() => undefined);
      ({ app, url } = await startServer(dir, port));
    },
    async close() {
      await context.close().catch(() => undefined);
      await app.close();
      rmSync(dir, { recursive: true, force: true });
      if (errors.length) throw new Error(`uncaught errors in the page: ${errors.join('; ')}`);
    },
  };
}
