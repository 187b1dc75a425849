/** ModelLoads: what the editor hears of a model loading (server/depth/model-loads.ts). */
import { describe, expect, it } from 'vitest';
import { AneloError } from '../../../nodes/core/errors.ts';
import type { ModelLoadEvent } from '../../../nodes/core/types.ts';
import { ModelLoads } from '../../../server/depth/model-loads.ts';

function later<T>(): { promise: Promise<T>; resolve(v: T): void; reject(e: unknown): void } {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

describe('ModelLoads', () => {
  it('says nothing of a session the caller knows is loaded, and passes the load through either way', async () => {
    const loads = new ModelLoads();
    const heard: ModelLoadEvent[] = [];
    loads.on((e) => heard.push(e));
    await expect(loads.track('m', 'k', true, async () => 7)).resolves.toBe(7);
    expect(heard).toEqual([]);
    await expect(loads.track('m', 'k', false, async () => 8)).resolves.toBe(8);
    expect(heard.map((e) => e.state)).toEqual(['loading', 'ready']);
  });

  it('overlapping loads of one session are one load; it fails only when none of them is left to succeed', async () => {
    const loads = new ModelLoads();
    const heard: ModelLoadEvent[] = [];
    const unsubscribe = loads.on((e) => heard.push(e));
    const a = later<void>();
    const b = later<void>();
    const first = loads.track('m', 'k', false, () => a.promise);
    const second = loads.track('m', 'k', false, () => b.promise);
    a.reject(new AneloError('ANELO_E042_MODEL_MANIFEST', 'no good'));
    await expect(first).rejects.toThrow('no good');
    expect(heard).toEqual([{ model: 'm', state: 'loading' }]);
    b.resolve();
    await second;
    expect(heard).toEqual([{ model: 'm', state: 'loading' }, { model: 'm', state: 'ready', ms: expect.any(Number) }]);
    // Both failing: one 'failed', with the last one's error as the editor would show it.
    heard.length = 0;
    const c = loads.track('m', 'k2', false, () => Promise.reject(new Error('first')));
    const d = loads.track('m', 'k2', false, () => Promise.reject(new AneloError('ANELO_E042_MODEL_MANIFEST', 'second')));
    await Promise.allSettled([c, d]);
    expect(heard).toEqual([
      { model: 'm', state: 'loading' },
      { model: 'm', state: 'failed', error: expect.objectContaining({ code: 'ANELO_E042_MODEL_MANIFEST', message: 'second' }) },
    ]);
    // A listener that throws harms neither the load nor the other listeners; one unsubscribed hears nothing more.
    unsubscribe();
    const after: string[] = [];
    loads.on(() => {
      throw new Error('listener fault');
    });
    loads.on((e) => after.push(e.state));
    await expect(loads.track('m', 'k3', false, async () => 'ok')).resolves.toBe('ok');
    expect(after).toEqual(['loading', 'ready']);
    expect(heard).toHaveLength(2);
  });
});
