import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../helpers/shared-data.ts';

const run = promisify(execFile);

describe('anelo doctor', () => {
  it('says which ffmpeg, ffprobe, onnxruntime providers, cache and model folders are in use', async () => {
    const env = { ...process.env, ANELO_CACHE_DIR: '/tmp/anelo-doctor-cache', ANELO_MODELS_DIR: '/tmp/anelo-doctor-models' };
    const { stdout } = await run(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'anelo.mjs'), 'doctor', '--json'], { cwd: PROJECT_ROOT, env });
    const r = JSON.parse(stdout);
    expect(r.ffmpeg.path).toMatch(/ffmpeg$/);
    expect(r.ffmpeg.version).toMatch(/^ffmpeg version/);
    expect(['env', 'system', 'bundled']).toContain(r.ffmpeg.source);
    expect(r.ffprobe.version).toMatch(/^ffprobe version/);
    expect(r.onnxruntime.providers.map((p: { name: string }) => p.name)).toContain('cpu');
    expect(r.cacheDir.path).toBe('/tmp/anelo-doctor-cache');
    expect(r.modelDirs[0]).toEqual({ path: '/tmp/anelo-doctor-models', exists: false });
    const text = await run(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'anelo.mjs'), 'doctor'], { cwd: PROJECT_ROOT, env });
    expect(text.stdout).toMatch(/^ffmpeg\s+\//m);
    expect(text.stdout).toMatch(/^onnxruntime\s+.*cpu/m);
    expect(text.stdout).toMatch(/^huge pages\s+(on|off): /m);
    expect(text.stdout).toMatch(/^malloc\s+\S/m);
    expect(text.stdout).toMatch(/^threads\s+\d+ pool threads?, \d+ depth threads? × \d+ onnxruntime threads?/m);
  }, 30_000);

  it('says how a render will use the cores, as ANELO_WORKERS sets it, and names a bad ANELO_WORKERS', async () => {
    const doctor = async (workers: string) => {
      const env = { ...process.env, ANELO_WORKERS: workers };
      return JSON.parse((await run(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'anelo.mjs'), 'doctor', '--json'], { cwd: PROJECT_ROOT, env })).stdout);
    };
    // One pool thread: depth inference gets one core, on one thread.
    expect((await doctor('1')).threads).toEqual({ pool: 1, depthThreads: 1, intraOp: 1 });
    expect((await doctor('0')).threads).toEqual({ pool: 0, depthThreads: 0, intraOp: 0 });
    expect((await doctor('lots')).threads.error).toMatch(/ANELO_WORKERS must be a whole number/);
  }, 30_000);

  it('says when big buffers go without huge pages or share no arena, and how to get them', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    delete env.GLIBC_TUNABLES;
    const { stdout } = await run(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'anelo.mjs'), 'doctor', '--json'], { cwd: PROJECT_ROOT, env });
    const r = JSON.parse(stdout);
    expect(r.hugePages.requested).toBe(false);
    if (r.hugePages.kernel === 'madvise') {
      expect(r.hugePages.active).toBe(false);
      expect(r.hugePages.why).toMatch(/bin\/with-malloc-tunables/);
      expect(r.advice.join('\n')).toMatch(/npx anelo.*npm start/);
    }
    if (r.mallocArenas.glibc) {
      expect(r.mallocArenas.arenaMax).toBeUndefined();
      expect(r.advice.join('\n')).toMatch(/malloc arena of its own.*bin\/with-malloc-tunables/);
      expect(r.mallocArenas.keepMB).toBeUndefined();
      expect(r.advice.join('\n')).toMatch(/go back to the kernel.*bin\/with-malloc-tunables.*256 MiB/);
    }
  }, 30_000);
});
