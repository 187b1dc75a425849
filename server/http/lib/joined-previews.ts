/**
 * Previews of the same frame of the same node (same graph, input and port) asked at once share one computation:
 * the viewer's A/B compare asks for A's and B's frame in each of its two requests. The computation stops only
 * when every request waiting for it has gone; a request that goes is answered E030 at once.
 */
import { AneloError } from '../../../nodes/core/errors.ts';
import type { PreviewResult } from '../../engine/executor.ts';

interface Shared {
  promise: Promise<PreviewResult>;
  controller: AbortController;
  waiting: number;
}

export class JoinedPreviews {
  private readonly inFlight = new Map<string, Shared>();

  /** `compute`'s result for `key`, started now or joined; `signal` withdraws this request only. */
  run(key: string, signal: AbortSignal, compute: (signal: AbortSignal) => Promise<PreviewResult>): Promise<PreviewResult> {
    let shared = this.inFlight.get(key);
    if (!shared) {
      const controller = new AbortController();
      const entry: Shared = { controller, waiting: 0, promise: compute(controller.signal) };
      entry.promise.then(
        () => this.inFlight.get(key) === entry && this.inFlight.delete(key),
        () => this.inFlight.get(key) === entry && this.inFlight.delete(key),
      );
      this.inFlight.set(key, entry);
      shared = entry;
    }
    const entry = shared;
    entry.waiting++;
    return new Promise<PreviewResult>((resolve, reject) => {
      const leave = (): void => {
        if (--entry.waiting === 0) {
          entry.controller.abort();
          if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
        }
        reject(new AneloError('ANELO_E030_CANCELLED', 'preview cancelled', {}));
      };
      if (signal.aborted) return leave();
      signal.addEventListener('abort', leave, { once: true });
      entry.promise.then(
        (r) => {
          signal.removeEventListener('abort', leave);
          entry.waiting--;
          resolve(r);
        },
        (e: unknown) => {
          signal.removeEventListener('abort', leave);
          entry.waiting--;
          reject(e);
        },
      );
    });
  }
}
