/**
 * Tells listeners when a depth model actually loads — not when a prepare finds it loaded already — so the editor can
 * say "loading model" on the depth node and in the preview while the first frames wait for it (0.25–0.35 s for
 * FastDepth on the editor's server here, 0.5–0.9 s in a fresh CLI process, seconds for a large model on CPU), and say
 * why when a model cannot be loaded.
 */
import { toAneloError } from '../../nodes/core/errors.ts';
import type { ModelLoadEvent } from '../../nodes/core/types.ts';

interface InFlight {
  model: string;
  since: number;
  /** Loads of this session under way (two prepares of one model share one load on the thread). */
  count: number;
}

export class ModelLoads {
  private readonly listeners = new Set<(e: ModelLoadEvent) => void>();
  private readonly inFlight = new Map<string, InFlight>();

  /** Calls `fn` with every event from now on; returns the unsubscribe. */
  on(fn: (e: ModelLoadEvent) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /**
   * Runs `load` for the session `key` of `model`. Unless `loaded` (the caller knows that session is there already),
   * listeners hear 'loading' as the first such load starts and 'ready' or 'failed' as it ends; loads of one session
   * that overlap are one load to them.
   */
  async track<T>(model: string, key: string, loaded: boolean, load: () => Promise<T>): Promise<T> {
    if (loaded) return load();
    let f = this.inFlight.get(key);
    if (!f) {
      f = { model, since: Date.now(), count: 0 };
      this.inFlight.set(key, f);
      this.emit({ model, state: 'loading' });
    }
    f.count++;
    let ok = false;
    let error: unknown;
    try {
      const v = await load();
      ok = true;
      return v;
    } catch (e) {
      error = e;
      throw e;
    } finally {
      f.count--;
      if (this.inFlight.get(key) === f) {
        // Another load of the same session may still succeed: 'failed' only once none is left.
        if (ok) this.finish(key, { model, state: 'ready', ms: Date.now() - f.since });
        else if (f.count === 0) this.finish(key, { model, state: 'failed', error: toAneloError(error).toJSON() });
      }
    }
  }

  private finish(key: string, e: ModelLoadEvent): void {
    this.inFlight.delete(key);
    this.emit(e);
  }

  private emit(e: ModelLoadEvent): void {
    for (const fn of this.listeners) {
      try {
        fn(e);
      } catch {
        // A listener's fault is its own; the load goes on.
      }
    }
  }
}
