/**
 * At most `size` previews compute at once on one executor; the rest wait their turn, first come first served. Twenty
 * previews started together (a render's editor with a scrubbing page, or the bench's burst) each spawned a decoder
 * and ran their nodes side by side on two cores: the spawns alone held the event loop for 2–3 s in one go, and the
 * threads they fed starved it for 100–250 ms at a time. A preview cancelled while it waits leaves the queue at once.
 */
import { AneloError } from '../../nodes/core/errors.ts';

export class PreviewSlots {
  private busy = 0;
  private readonly waiting: { grant: () => void }[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) {
      throw new AneloError('ANELO_E050_BAD_ARGUMENT', `maxConcurrentPreviews must be a whole number >= 1, got ${size}`, { param: 'maxConcurrentPreviews' });
    }
  }

  /** Previews waiting for a slot now. */
  get queued(): number {
    return this.waiting.length;
  }

  /** Resolves with the slot's release once one is free; rejects with E030 if `signal` aborts first. */
  async acquire(signal: AbortSignal, nodeId: string): Promise<() => void> {
    const cancelled = (): AneloError => new AneloError('ANELO_E030_CANCELLED', 'preview cancelled', { nodeId });
    if (signal.aborted) throw cancelled();
    if (this.busy < this.size) {
      this.busy++;
      return this.release();
    }
    await new Promise<void>((resolve, reject) => {
      const entry = {
        grant: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = (): void => {
        const i = this.waiting.indexOf(entry);
        if (i >= 0) this.waiting.splice(i, 1);
        reject(cancelled());
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(entry);
    });
    // The slot was handed over by release(): busy already counts it.
    return this.release();
  }

  private release(): () => void {
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const next = this.waiting.shift();
      if (next) next.grant();
      else this.busy--;
    };
  }
}
