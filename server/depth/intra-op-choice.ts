/**
 * How many onnxruntime threads a depth thread's session gets, chosen per model from what its inference costs.
 *
 * A depth thread is offered a share of the cores (depthThreadPlan). For a model that takes seconds a frame (Depth
 * Anything at 518) the share is worth it: depth is the render's slowest stage and intra-op threads shorten it. For a
 * cheap one it is not: FastDepth's ops are too small to split well, and the second onnxruntime thread added CPU that
 * the pool threads and x264 needed (250 frames of bikes-cuts at 640x272 on 2 cores: 17.6 and 17.8 s of CPU and 10.2
 * and 10.4 s with one thread, 19.6 and 19.6 s of CPU and 11.2 s with two, the depth stage far ahead of the rest either
 * way). So a model's first frames run on a one-thread session and the inference's CPU time is measured on the depth
 * thread itself (CPU, not wall time: the machine is busy at a render's start); a model whose inference costs at most
 * CHEAP_FRAME_MS a frame stays on one thread, any other gets the offered share from then on.
 */

/** One thread at this cost a frame keeps up with 40 fps, more than a whole render reaches on a machine of few cores. */
export const CHEAP_FRAME_MS = 25;
/** A frame this dear settles it at once, even the first (which carries the session's warm-up). */
export const DEAR_FRAME_MS = 8 * CHEAP_FRAME_MS;
/** Frames measured before deciding: the first two carried the session's warm-up (FastDepth: 67, 58, then 11 ms), so the cheapest counts. */
export const PROBE_FRAMES = 4;

/** The calling thread's CPU time in ms, or undefined where the platform does not say. */
export type ThreadClock = () => number | undefined;

/**
 * Runs `frames` on a session of `threads` intra-op threads; with `measure`, says the inference's CPU time on this
 * thread as `cpuMs` (only the measured frames need the clock read around each run).
 */
export type IntraOpRun<R> = (frames: Uint8Array[], threads: number, measure: boolean) => Promise<{ result: R; cpuMs?: number }>;

export class IntraOpChoice {
  /** Per model and input size: true = one thread, false = the offered share. */
  private readonly decided = new Map<string, boolean>();
  private readonly probes = new Map<string, { best: number; frames: number }>();

  /** What was decided for `key` so far (undefined while it is measured). */
  choice(key: string): boolean | undefined {
    return this.decided.get(key);
  }

  /** false once any size of `model` (a key's part before "|") was measured dear, else true once one was cheap. */
  model(model: string): boolean | undefined {
    let any: boolean | undefined;
    for (const [key, single] of this.decided) if (key.startsWith(`${model}|`)) any = any === false ? false : single;
    return any;
  }

  /**
   * Runs `frames` through `run` and returns the calls' results in frame order: while `key` is measured, one call a
   * frame on one thread, then one call for the rest on what was decided. `offered` is the thread's share of the
   * cores; with one there is nothing to choose and all frames run on it in one call.
   */
  async run<R>(key: string, frames: Uint8Array[], offered: number, run: IntraOpRun<R>): Promise<R[]> {
    const decided = this.decided.get(key);
    if (offered <= 1 || decided !== undefined || frames.length === 0) return [(await run(frames, decided ? 1 : offered, false)).result];
    const out: R[] = [];
    let i = 0;
    while (i < frames.length && !this.decided.has(key)) {
      const r = await run([frames[i++]], 1, true);
      out.push(r.result);
      this.measured(key, r.cpuMs);
    }
    if (i < frames.length) out.push((await run(frames.slice(i), this.decided.get(key) ? 1 : offered, false)).result);
    return out;
  }

  private measured(key: string, ms: number | undefined): void {
    // A platform that cannot say what a frame cost keeps the offer.
    if (ms === undefined) return this.decide(key, false);
    const p = this.probes.get(key) ?? { best: Infinity, frames: 0 };
    p.best = Math.min(p.best, ms);
    p.frames++;
    this.probes.set(key, p);
    if (ms > DEAR_FRAME_MS) this.decide(key, false);
    else if (p.frames >= PROBE_FRAMES) this.decide(key, p.best <= CHEAP_FRAME_MS);
  }

  private decide(key: string, single: boolean): void {
    this.decided.set(key, single);
    this.probes.delete(key);
  }
}

/** The calling thread's CPU time from Linux's /proc/thread-self/schedstat (ns on the CPU), else undefined. */
export function linuxThreadClock(read: (file: string) => string): ThreadClock {
  let works = true;
  return () => {
    if (!works) return undefined;
    try {
      const ns = Number(read('/proc/thread-self/schedstat').split(' ')[0]);
      if (Number.isFinite(ns)) return ns / 1e6;
    } catch {
      // Not Linux, or a kernel without scheduler statistics.
    }
    works = false;
    return undefined;
  };
}
