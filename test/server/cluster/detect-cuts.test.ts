/**
 * The planner's cut search on bikes-cuts: it finds the clip's cuts, keeps what a re-submit needs in the cache folder
 * (the cuts and how to find them) but not the decoded frames, and a re-submit finds the same cuts without decoding.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import { detectCuts } from '../../../server/cluster/detect-cuts.ts';
import { ChunkCache } from '../../../server/engine/chunk-cache.ts';
import { createServices, type LocalServices } from '../../../server/services.ts';
import { hasShared, sharedPath } from '../../helpers/shared-data.ts';

const GRAPH: GraphDocument = {
  schemaVersion: 1,
  nodes: [
    { id: 'decode', type: 'decode', params: { path: sharedPath('media', 'bikes-cuts.mp4') }, position: { x: 0, y: 0 } },
    { id: 'scenes', type: 'scene-detect', params: {}, position: { x: 0, y: 0 } },
  ],
  edges: [{ source: 'decode', sourcePort: 'frames', target: 'scenes', targetPort: 'frames' }],
} as GraphDocument;

async function folderBytes(dir: string): Promise<number> {
  let n = 0;
  for (const e of await fs.readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n += (await fs.stat(path.join(e.parentPath, e.name))).size;
  return n;
}

describe.skipIf(!hasShared('media', 'bikes-cuts.mp4'))('the cut search of a cluster render', () => {
  let dir: string;
  let services: LocalServices;
  let reads = 0;
  // Counts decoder reads, so "without decoding" is seen, not inferred from time.
  const counting = (): LocalServices => ({
    ...services,
    media: {
      ...services.media,
      readFrames: (file, opts) => {
        reads++;
        return services.media.readFrames(file, opts);
      },
    },
  });

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-detect-cuts-'));
    services = await createServices();
  });

  afterAll(async () => {
    services?.close();
    if (dir) await fs.rm(dir, { recursive: true, force: true });
  });

  it('finds the cuts and writes them, not 100 decoded frames, to the cache folder', async () => {
    const found = await detectCuts({ services: counting(), cache: new ChunkCache({ diskDir: dir }), workers: 0 }, GRAPH, { start: 0, end: 100 });
    expect(found.all).toEqual([30, 76]);
    expect(found.outputs.scenes.flags[30]).toBe(1);
    expect(reads).toBeGreaterThan(0);
    // 100 frames of 640x272 RGB are 52 MB; the cut flags, scores and action entries a few kB.
    expect(await folderBytes(dir)).toBeLessThan(1_000_000);
  }, 60_000);

  it('a re-submit finds the same cuts from the cache folder without decoding a frame', async () => {
    reads = 0;
    const found = await detectCuts({ services: counting(), cache: new ChunkCache({ diskDir: dir }), workers: 0 }, GRAPH, { start: 0, end: 100 });
    expect(found.all).toEqual([30, 76]);
    expect(reads).toBe(0);
  }, 60_000);
});
