import { execFile } from 'node:child_process';
import { symlinkSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { hugePages } from '../../server/engine/huge-pages.ts';
import { PROJECT_ROOT } from '../helpers/shared-data.ts';

const run = promisify(execFile);
const LAUNCHER = path.join(PROJECT_ROOT, 'bin', 'with-malloc-tunables');

/** The environment without any GLIBC_TUNABLES or ANELO_HUGE_PAGES, _MALLOC_ARENAS, _MALLOC_KEEP_MB of the machine running the tests. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  for (const name of ['GLIBC_TUNABLES', 'ANELO_HUGE_PAGES', 'ANELO_MALLOC_ARENAS', 'ANELO_MALLOC_KEEP_MB']) if (!(name in extra)) delete env[name];
  return env;
}

/** What the launcher adds to keep freed memory (ANELO_MALLOC_KEEP_MB, 256 MiB by default). */
const KEEP = 'glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=268435456';

async function tunablesSeen(env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await run(LAUNCHER, [process.execPath, '-e', 'process.stdout.write(process.env.GLIBC_TUNABLES ?? "(unset)")'], { env });
  return stdout;
}

/**
 * Minor page faults a fresh Node takes to write 96 new frames of 1080p RGB (600 MB), each a new SharedArrayBuffer as
 * the decoder makes them, with the last 16 alive at any time (a chunk in flight) and the rest collected, as in a render.
 */
async function faultsForFrames(viaLauncher: boolean, env: NodeJS.ProcessEnv = cleanEnv()): Promise<number> {
  const script = `
    const frames = [];
    const before = process.resourceUsage().minorPageFault;
    for (let i = 0; i < 96; i++) {
      const f = new Uint8Array(new SharedArrayBuffer(1920 * 1080 * 3));
      f.fill(i + 1);
      frames.push(f);
      if (frames.length > 16) frames.shift();
      if (i % 8 === 7) gc();
    }
    process.stdout.write(String(process.resourceUsage().minorPageFault - before));`;
  const args = [process.execPath, '--expose-gc', '-e', script];
  const { stdout } = viaLauncher ? await run(LAUNCHER, args, { env }) : await run(args[0], args.slice(1), { env: cleanEnv() });
  return Number(stdout);
}

/**
 * Minor page faults a worker thread takes to make 600 side-by-side frames of a 640x272 render (1 MB each, a new
 * SharedArrayBuffer as a pool thread makes them), 16 alive at a time and a collection every 64 frames freeing the rest
 * in a batch, as the pool's frame collector does; started through the launcher with `env`.
 */
async function workerFaults(env: NodeJS.ProcessEnv): Promise<number> {
  const thread = `
    require('node:v8').setFlagsFromString('--expose-gc');
    const gc = require('node:vm').runInNewContext('gc');
    const before = process.resourceUsage().minorPageFault;
    const frames = [];
    for (let i = 0; i < 600; i++) {
      const f = new Uint8Array(new SharedArrayBuffer(1280 * 272 * 3));
      f.fill(i & 255);
      frames.push(f);
      if (frames.length > 16) frames.shift();
      if (i % 64 === 63) gc();
    }
    require('node:worker_threads').parentPort.postMessage(process.resourceUsage().minorPageFault - before);`;
  const main = `new (require('node:worker_threads').Worker)(${JSON.stringify(thread)}, { eval: true }).on('message', (n) => process.stdout.write(String(n)));`;
  const { stdout } = await run(LAUNCHER, [process.execPath, '-e', main], { env });
  return Number(stdout);
}

describe('bin/with-malloc-tunables', () => {
  it('asks glibc for huge pages, one arena and to keep freed memory, and keeps the tunables already set', async () => {
    expect(await tunablesSeen(cleanEnv())).toBe(`glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1:${KEEP}`);
    expect(await tunablesSeen(cleanEnv({ GLIBC_TUNABLES: 'glibc.malloc.tcache_count=8' }))).toBe(`glibc.malloc.tcache_count=8:glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1:${KEEP}`);
  });

  it('leaves an explicit choice alone, and ANELO_HUGE_PAGES=0, ANELO_MALLOC_ARENAS=0 or ANELO_MALLOC_KEEP_MB=0 leaves its setting out', async () => {
    expect(await tunablesSeen(cleanEnv({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }))).toBe(`glibc.malloc.hugetlb=0:glibc.malloc.arena_max=1:${KEEP}`);
    expect(await tunablesSeen(cleanEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=4' }))).toBe(`glibc.malloc.arena_max=4:glibc.malloc.hugetlb=1:${KEEP}`);
    expect(await tunablesSeen(cleanEnv({ ANELO_HUGE_PAGES: '0' }))).toBe(`glibc.malloc.arena_max=1:${KEEP}`);
    expect(await tunablesSeen(cleanEnv({ ANELO_MALLOC_ARENAS: '0' }))).toBe(`glibc.malloc.hugetlb=1:${KEEP}`);
    expect(await tunablesSeen(cleanEnv({ ANELO_MALLOC_ARENAS: '2' }))).toBe(`glibc.malloc.hugetlb=1:glibc.malloc.arena_max=2:${KEEP}`);
    expect(await tunablesSeen(cleanEnv({ ANELO_MALLOC_KEEP_MB: '0' }))).toBe('glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1');
    expect(await tunablesSeen(cleanEnv({ ANELO_MALLOC_KEEP_MB: '64' }))).toBe('glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1:glibc.malloc.mmap_threshold=33554432:glibc.malloc.trim_threshold=67108864');
    // Either threshold set by hand turns glibc's dynamic ones off: the other is then not added either.
    expect(await tunablesSeen(cleanEnv({ GLIBC_TUNABLES: 'glibc.malloc.trim_threshold=1048576' }))).toBe('glibc.malloc.trim_threshold=1048576:glibc.malloc.hugetlb=1:glibc.malloc.arena_max=1');
    expect(await tunablesSeen(cleanEnv({ ANELO_HUGE_PAGES: '0', ANELO_MALLOC_ARENAS: '0', ANELO_MALLOC_KEEP_MB: '0', GLIBC_TUNABLES: 'glibc.malloc.tcache_count=8' }))).toBe('glibc.malloc.tcache_count=8');
  });

  it.each([
    ['ANELO_MALLOC_ARENAS', 'many'],
    ['ANELO_MALLOC_KEEP_MB', 'lots'],
    ['ANELO_MALLOC_KEEP_MB', '0256'],
  ])('refuses %s=%s (not a whole number), with a coded error, and runs nothing', async (name, value) => {
    const r = await run(LAUNCHER, [process.execPath, '-e', 'process.stdout.write("ran")'], { env: cleanEnv({ [name]: value }) }).catch((e: { code: number; stdout: string; stderr: string }) => e);
    expect(r).toMatchObject({ code: 2, stdout: '' });
    expect((r as { stderr: string }).stderr).toMatch(new RegExp(`ANELO_E050_BAD_ARGUMENT .*${name}.*"${value}"`));
  });

  const here = hugePages(cleanEnv({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' }));
  // Only where the kernel hands out huge pages on request (madvise): with `always` both sides get them, with
  // `never` neither does.
  it.runIf(here.kernel === 'madvise' && here.active)('cuts the page faults of writing new 1080p frames several-fold', async () => {
    const plain = await faultsForFrames(false);
    const tuned = await faultsForFrames(true);
    // 600 MB in 4 KiB pages is ~150k faults, fewer as glibc reuses freed frames (97k here); with huge pages 12k.
    expect(plain).toBeGreaterThan(50_000);
    expect(tuned).toBeLessThan(plain / 4);
  }, 30_000);

  it('keeps the memory of collected frames for the next ones: new 1080p frames after a collection take few page faults', async () => {
    const giveBack = await faultsForFrames(true, cleanEnv({ ANELO_MALLOC_KEEP_MB: '0' }));
    const keep = await faultsForFrames(true);
    // 12.7k here with huge pages (glibc maps each frame on its own and unmaps it when freed), ~150k without them;
    // 240–340 keeping freed memory, huge pages or not.
    expect(keep).toBeLessThan(2_000);
    expect(giveBack).toBeGreaterThan(4 * keep);
  }, 30_000);

  // Where huge pages work on request: one arena puts a worker thread's frames on the main heap, which has them.
  it.runIf(here.kernel === 'madvise' && here.active)("cuts a worker thread's page faults for frames freed in batches", async () => {
    // Freed memory given back as glibc does by default on both sides, so only the arenas differ.
    const perThread = await workerFaults(cleanEnv({ ANELO_MALLOC_ARENAS: '0', ANELO_MALLOC_KEEP_MB: '0' }));
    const shared = await workerFaults(cleanEnv({ ANELO_MALLOC_KEEP_MB: '0' }));
    // 600 MB in 4 KiB pages would be ~150k faults; an arena per thread took 46–49k here, one arena 16.5–17k.
    expect(perThread).toBeGreaterThan(25_000);
    expect(shared).toBeLessThan(perThread / 2);
  }, 30_000);
});

describe('bin/anelo', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anelo-bin-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the command through a link (as npm installs it), with huge pages and one arena asked for', async () => {
    const link = path.join(dir, 'anelo');
    symlinkSync(path.relative(dir, path.join(PROJECT_ROOT, 'bin', 'anelo')), link);
    const { stdout } = await run(link, ['doctor', '--json'], { cwd: dir, env: cleanEnv() });
    const r = JSON.parse(stdout);
    expect(r.hugePages.requested).toBe(true);
    expect(r.hugePages.active).toBe(hugePages(cleanEnv({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' })).active);
    if (r.mallocArenas.glibc) expect(r.mallocArenas.arenaMax).toBe(1);
  }, 30_000);
});
