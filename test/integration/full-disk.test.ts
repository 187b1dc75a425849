/**
 * A full disk loses nothing: an encode that runs out of space fails with a coded error and leaves the previous file
 * at the output path, and a cache that cannot write only warns. Uses a 2 MB tmpfs (needs root to mount; CI runs as
 * root, elsewhere the suite says it skipped).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChunkCache } from '../../server/engine/chunk-cache.ts';
import { Executor } from '../../server/engine/executor.ts';
import { loadGraph } from '../../server/engine/load-graph.ts';
import { createServices, type LocalServices } from '../../server/services.ts';
import { hasShared, sharedPath } from '../helpers/shared-data.ts';

const tiny = mkdtempSync(path.join(os.tmpdir(), 'anelo-tiny-'));
let mounted = false;
try {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', tiny], { stdio: 'ignore' });
  mounted = true;
} catch {
  mounted = false;
}

let services: LocalServices;
beforeAll(async () => {
  services = await createServices();
});
afterAll(async () => {
  await services.close();
  if (mounted) execFileSync('umount', [tiny]);
});

const graph = (clip: string) =>
  loadGraph({
    schemaVersion: 1,
    nodes: [
      { id: 'decode', type: 'decode', params: { path: clip }, position: { x: 0, y: 0 } },
      { id: 'encode', type: 'encode', params: { preset: 'ultrafast', crf: 10 }, position: { x: 300, y: 0 } },
    ],
    edges: [{ source: 'decode', sourcePort: 'frames', target: 'encode', targetPort: 'video' }],
  });

describe.skipIf(!mounted || !hasShared('media/bbb-5s-720p.mp4'))('a full disk', () => {
  it('fails the encode with ANELO_E090 and keeps the previous file at the output path', async () => {
    const out = path.join(tiny, 'render.mp4');
    await fs.writeFile(out, 'the previous render');
    const executor = new Executor({ services, cache: new ChunkCache({ diskDir: null }) });
    const err = await executor.run(graph(sharedPath('media/bbb-5s-720p.mp4')), { outputs: { encode: out } }).catch((e) => e);
    expect(err).toMatchObject({ code: 'ANELO_E090_DISK_FULL', where: { nodeId: 'encode' } });
    expect(err.message).toContain(out);
    expect(await fs.readFile(out, 'utf8')).toBe('the previous render');
    expect((await fs.readdir(tiny)).filter((f) => f !== 'render.mp4')).toEqual([]);
  });

  it('a cache that cannot write warns and the run still succeeds', async () => {
    const cacheDir = path.join(tiny, 'cache');
    // Decoded frames are not written (only their digests), so the disk is filled first: even those cannot be written.
    const filler = path.join(tiny, 'filler');
    await fs.writeFile(filler, Buffer.alloc(2 * 2 ** 20)).catch(() => {});
    const warnings: string[] = [];
    const executor = new Executor({ services, cache: new ChunkCache({ diskDir: cacheDir, onWarning: (w) => warnings.push(w.kind) }) });
    const out = path.join(os.tmpdir(), `anelo-full-${process.pid}.mp4`);
    const report = await executor.run(graph(sharedPath('media/carphone-176x144.mp4')), { outputs: { encode: out } });
    expect(report.nodes.encode.computedFrames).toBe(120);
    expect(warnings).toContain('write-failed');
    // The run says so too, once (the editor's Runs panel and the CLI show a run's warnings, not the server's log).
    expect(report.warnings.filter((w) => w.startsWith('ANELO_E037_CACHE_TROUBLE'))).toEqual([expect.stringMatching(/^ANELO_E037_CACHE_TROUBLE: cache write failed, the run goes on uncached: .*ENOSPC/)]);
    expect((await services.media.probe(out)).frameCount).toBe(120);
    await fs.rm(out, { force: true });
    await fs.rm(filler, { force: true });
  });
});
