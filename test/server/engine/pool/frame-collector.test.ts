import { setImmediate as tick } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { frameCollector, framesBytes } from '../../../../server/engine/pool/frame-collector.ts';

/** A WeakRef to 4 MiB of frames nothing references any more (made in its own job, so a collection may free it). */
function droppedFrames(): WeakRef<Uint8Array[]> {
  const frames = [new Uint8Array(new SharedArrayBuffer(2 ** 21)), new Uint8Array(2 ** 21)];
  return new WeakRef(frames);
}

describe('frameCollector', () => {
  it('collects once it has seen its budget of frames, and frees the frames no one holds any more', async () => {
    const collector = frameCollector(3 * 2 ** 20);
    const dropped = droppedFrames();
    await tick();
    collector.saw(2 ** 21);
    collector.saw(2 ** 21);
    // 4 MiB seen, but the check comes before each new batch is counted: the next batch is what triggers it.
    expect(collector.collections).toBe(0);
    collector.saw(2 ** 20);
    expect(collector.collections).toBe(1);
    await tick();
    expect(dropped.deref()).toBeUndefined();
    // It starts counting again from the batch it was handed.
    collector.saw(2 ** 21);
    expect(collector.collections).toBe(1);
    collector.saw(0);
    expect(collector.collections).toBe(2);
  });

  it('counts the bytes of frames, views of a larger buffer by their own length', () => {
    const big = new Uint8Array(1000);
    expect(framesBytes([big, big.subarray(0, 300), new Float32Array(10)])).toBe(1340);
    expect(framesBytes([])).toBe(0);
  });
});
