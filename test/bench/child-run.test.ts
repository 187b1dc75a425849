import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInChild } from '../../bench/child-run.ts';
import { hasShared, sharedPath } from '../helpers/shared-data.ts';

describe.skipIf(!hasShared('media', 'carphone-176x144.mp4'))('runInChild', () => {
  it("reports the child's own peak memory, not the bench's (getrusage's maxRSS survives fork and exec)", async () => {
    // The bench process grows as cases run; its size must not show up in a later child's figure.
    const ballast = new Uint8Array(700 * 2 ** 20).fill(1);
    const graph = {
      schemaVersion: 1,
      nodes: [
        { id: 'decode', type: 'decode', params: { path: sharedPath('media', 'carphone-176x144.mp4'), end: 8 }, position: { x: 0, y: 0 } },
        { id: 'encode', type: 'encode', params: { preset: 'ultrafast' }, position: { x: 300, y: 0 } },
      ],
      edges: [{ source: 'decode', sourcePort: 'frames', target: 'encode', targetPort: 'video' }],
    };
    const dir = mkdtempSync(path.join(os.tmpdir(), 'anelo-child-run-'));
    const r = await runInChild({ graph, cacheDir: null, outputs: { encode: path.join(dir, 'out.mp4') } }).finally(() => rmSync(dir, { recursive: true, force: true }));
    expect(ballast[ballast.length - 1]).toBe(1);
    expect(r.report.nodes.encode.computedFrames).toBe(8);
    // A decode → encode of 8 tiny frames: Node, tsx and the engine, ~100–300 MB; the ballast alone is 700.
    expect(r.maxRssMB).toBeGreaterThan(30);
    expect(r.maxRssMB).toBeLessThan(500);
  }, 60_000);
});
