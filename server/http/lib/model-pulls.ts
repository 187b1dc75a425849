/** Model downloads started from the editor: one per model at a time, progress and outcome sent over the event hub. */
import { AneloError, toAneloError } from '../../../nodes/core/errors.ts';
import type { ModelStore } from '../../depth/model-store.ts';
import type { EventHub } from './event-hub.ts';
import { publicError } from './public-error.ts';

/** Progress messages at most this often per model. */
const PROGRESS_EVERY_MS = 250;

export class ModelPulls {
  private readonly active = new Map<string, AbortController>();

  constructor(
    private readonly store: ModelStore,
    private readonly hub: EventHub,
  ) {}

  /** Starts a download in the background (a pull already under way is left to run). Unknown ids: 404 E041. */
  start(id: string, opts: { acceptLicense?: boolean } = {}): void {
    if (!this.store.list().some((m) => m.id === id)) throw new AneloError('ANELO_E041_MODEL_UNKNOWN', `unknown model "${id}"`, { param: 'id' });
    if (this.active.has(id)) return;
    const controller = new AbortController();
    this.active.set(id, controller);
    let last = 0;
    this.store
      .pull(id, {
        acceptLicense: opts.acceptLicense,
        signal: controller.signal,
        onProgress: (p) => {
          const now = Date.now();
          if (now - last < PROGRESS_EVERY_MS && p.receivedBytes !== p.totalBytes) return;
          last = now;
          this.hub.broadcast({ kind: 'model-progress', id, bytes: p.receivedBytes, total: p.totalBytes ?? 0 });
        },
      })
      .then(
        () => this.hub.broadcast({ kind: 'model-done', id }),
        // As every error a client sees: server paths cut to file names (the install folder is the server's business).
        (e: unknown) => this.hub.broadcast({ kind: 'model-error', id, error: publicError(toAneloError(e).toJSON()) }),
      )
      .finally(() => this.active.delete(id));
  }

  isPulling(id: string): boolean {
    return this.active.has(id);
  }

  close(): void {
    for (const c of this.active.values()) c.abort();
  }
}
