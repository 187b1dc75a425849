import { execFile } from 'node:child_process';
import { symlinkSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { hugePages } from '../../server/engine/huge-pages.ts';
import { PROJECT_ROOT } from '../helpers/shared-data.ts';

const run = promisify(execFile);
const LAUNCHER = path.join(PROJECT_ROOT, 'bin', 'with-huge-pages');

/** The environment without any GLIBC_TUNABLES or ANELO_HUGE_PAGES of the machine running the tests. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  if (!('GLIBC_TUNABLES' in extra)) delete env.GLIBC_TUNABLES;
  if (!('ANELO_HUGE_PAGES' in extra)) delete env.ANELO_HUGE_PAGES;
  return env;
}

async function tunablesSeen(env: NodeJS.ProcessEnv): Promise<string> {
  const { stdout } = await run(LAUNCHER, [process.execPath, '-e', 'process.stdout.write(process.env.GLIBC_TUNABLES ?? "(unset)")'], { env });
  return stdout;
}

/**
 * Minor page faults a fresh Node takes to write 96 new frames of 1080p RGB (600 MB), each a new SharedArrayBuffer as
 * the decoder makes them, with the last 16 alive at any time (a chunk in flight) and the rest collected, as in a render.
 */
async function faultsForFrames(viaLauncher: boolean): Promise<number> {
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
  const { stdout } = viaLauncher ? await run(LAUNCHER, args, { env: cleanEnv() }) : await run(args[0], args.slice(1), { env: cleanEnv() });
  return Number(stdout);
}

describe('bin/with-huge-pages', () => {
  it('asks glibc for huge pages and keeps the tunables already set', async () => {
    expect(await tunablesSeen(cleanEnv())).toBe('glibc.malloc.hugetlb=1');
    expect(await tunablesSeen(cleanEnv({ GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }))).toBe('glibc.malloc.arena_max=2:glibc.malloc.hugetlb=1');
  });

  it('leaves an explicit choice alone, and ANELO_HUGE_PAGES=0 turns it off', async () => {
    expect(await tunablesSeen(cleanEnv({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=0' }))).toBe('glibc.malloc.hugetlb=0');
    expect(await tunablesSeen(cleanEnv({ ANELO_HUGE_PAGES: '0' }))).toBe('(unset)');
    expect(await tunablesSeen(cleanEnv({ ANELO_HUGE_PAGES: '0', GLIBC_TUNABLES: 'glibc.malloc.arena_max=2' }))).toBe('glibc.malloc.arena_max=2');
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
});

describe('bin/anelo', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anelo-bin-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the command through a link (as npm installs it), with huge pages asked for', async () => {
    const link = path.join(dir, 'anelo');
    symlinkSync(path.relative(dir, path.join(PROJECT_ROOT, 'bin', 'anelo')), link);
    const { stdout } = await run(link, ['doctor', '--json'], { cwd: dir, env: cleanEnv() });
    const r = JSON.parse(stdout);
    expect(r.hugePages.requested).toBe(true);
    expect(r.hugePages.active).toBe(hugePages(cleanEnv({ GLIBC_TUNABLES: 'glibc.malloc.hugetlb=1' })).active);
  }, 30_000);
});
