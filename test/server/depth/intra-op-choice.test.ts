/**
 * A depth thread's choice of onnxruntime threads: a model whose inference is cheap on one thread stays on one
 * (a second only adds CPU the rest of a render needs), a dear one gets the cores it was offered, and the frames come
 * back in order whichever way they ran.
 */
import { describe, expect, it } from 'vitest';
import { CHEAP_FRAME_MS, DEAR_FRAME_MS, IntraOpChoice, linuxThreadClock, PROBE_FRAMES } from '../../../server/depth/intra-op-choice.ts';

/** A runner that records its calls and says each call cost `costs[frame]` ms a frame (the call's first frame's). */
function runner(costs: (frame: number) => number | undefined) {
  const calls: { frames: number[]; threads: number }[] = [];
  /** The frames of the calls asked to read the clock. */
  const measured: number[] = [];
  const run = async (frames: Uint8Array[], threads: number, measure: boolean): Promise<{ result: number[]; cpuMs?: number }> => {
    const ids = frames.map((f) => f[0]);
    calls.push({ frames: ids, threads });
    if (measure) measured.push(...ids);
    const c = costs(ids[0]);
    return { result: ids, cpuMs: c === undefined ? undefined : c * frames.length };
  };
  return { calls, measured, run };
}

const frames = (from: number, n: number): Uint8Array[] => Array.from({ length: n }, (_, k) => Uint8Array.of(from + k));

describe('IntraOpChoice', () => {
  it('keeps a cheap model on one thread once its first frames were measured, warm-up included', async () => {
    const choice = new IntraOpChoice();
    // FastDepth on this VM: 67 and 58 ms for the first two runs of a session (warm-up), then ~11 ms.
    const { calls, measured, run } = runner((f) => (f === 0 ? 67 : f === 1 ? 58 : 11));
    const out = await choice.run('m|224x224', frames(0, 6), 2, run);
    // Only the probe frames pay for reading the clock.
    expect(measured).toEqual([0, 1, 2, 3].slice(0, PROBE_FRAMES));
    expect(out.flat()).toEqual([0, 1, 2, 3, 4, 5]);
    expect(calls.slice(0, PROBE_FRAMES)).toEqual([0, 1, 2, 3].slice(0, PROBE_FRAMES).map((f) => ({ frames: [f], threads: 1 })));
    expect(calls.slice(PROBE_FRAMES)).toEqual([{ frames: [4, 5], threads: 1 }]);
    expect(choice.choice('m|224x224')).toBe(true);
    expect(choice.model('m')).toBe(true);
    // Decided: one call for a whole batch, on one thread.
    calls.length = 0;
    expect((await choice.run('m|224x224', frames(10, 4), 2, run)).flat()).toEqual([10, 11, 12, 13]);
    expect(calls).toEqual([{ frames: [10, 11, 12, 13], threads: 1 }]);
  });

  it('gives a dear model the offered threads after its first frame', async () => {
    const choice = new IntraOpChoice();
    const { calls, run } = runner(() => DEAR_FRAME_MS + 1);
    expect((await choice.run('da|518x294', frames(0, 4), 2, run)).flat()).toEqual([0, 1, 2, 3]);
    expect(calls).toEqual([
      { frames: [0], threads: 1 },
      { frames: [1, 2, 3], threads: 2 },
    ]);
    expect(choice.choice('da|518x294')).toBe(false);
    expect(choice.model('da')).toBe(false);
  });

  it('gives the offer to a model that is never cheap enough, measuring across calls of one frame', async () => {
    const choice = new IntraOpChoice();
    const { calls, run } = runner(() => CHEAP_FRAME_MS + 5);
    for (let f = 0; f < PROBE_FRAMES; f++) {
      expect(choice.choice('midas|256x256')).toBeUndefined();
      await choice.run('midas|256x256', frames(f, 1), 4, run);
    }
    expect(choice.choice('midas|256x256')).toBe(false);
    await choice.run('midas|256x256', frames(9, 2), 4, run);
    expect(calls.at(-1)).toEqual({ frames: [9, 10], threads: 4 });
  });

  it('decides each model and input size on its own', async () => {
    const choice = new IntraOpChoice();
    await choice.run('m|224x224', frames(0, PROBE_FRAMES), 2, runner(() => 5).run);
    await choice.run('m|1036x588', frames(0, 1), 2, runner(() => DEAR_FRAME_MS * 2).run);
    expect(choice.choice('m|224x224')).toBe(true);
    expect(choice.choice('m|1036x588')).toBe(false);
    expect(choice.model('m')).toBe(false);
    expect(choice.model('other')).toBeUndefined();
  });

  it('has nothing to choose with one thread offered, and keeps the offer where the CPU time cannot be read', async () => {
    const choice = new IntraOpChoice();
    const one = runner(() => 5);
    await choice.run('m|224x224', frames(0, 5), 1, one.run);
    expect(one.calls).toEqual([{ frames: [0, 1, 2, 3, 4], threads: 1 }]);
    expect(choice.choice('m|224x224')).toBeUndefined();
    const blind = runner(() => undefined);
    await choice.run('m|224x224', frames(0, 3), 2, blind.run);
    expect(blind.calls).toEqual([
      { frames: [0], threads: 1 },
      { frames: [1, 2], threads: 2 },
    ]);
  });
});

describe('linuxThreadClock', () => {
  it("reads the calling thread's time on the CPU in ms", () => {
    expect(linuxThreadClock(() => '123456789 5000 7\n')()).toBeCloseTo(123.456789, 6);
  });

  it('answers undefined where the file cannot be read, and stops trying', () => {
    let reads = 0;
    const clock = linuxThreadClock(() => {
      reads++;
      throw new Error('ENOENT');
    });
    expect(clock()).toBeUndefined();
    expect(clock()).toBeUndefined();
    expect(reads).toBe(1);
  });

  it.runIf(process.platform === 'linux')('moves with work done on this thread', async () => {
    const { readFileSync } = await import('node:fs');
    const clock = linuxThreadClock((f) => readFileSync(f, 'utf8'));
    const t0 = clock()!;
    let x = 0;
    for (let i = 0; i < 2e7; i++) x += Math.sqrt(i);
    expect(x).toBeGreaterThan(0);
    expect(clock()! - t0).toBeGreaterThan(1);
  });
});
