import { describe, expect, it } from 'vitest';
import type { PreviewResult } from '../../../server/engine/executor.ts';
import { JoinedPreviews } from '../../../server/http/lib/joined-previews.ts';

/** A computation that finishes when told to, and records whether it was stopped. */
function slowPreview() {
  let finish!: () => void;
  const state = { runs: 0, aborted: false };
  const compute = (signal: AbortSignal) => {
    state.runs++;
    signal.addEventListener('abort', () => (state.aborted = true));
    return new Promise<PreviewResult>((resolve) => (finish = () => resolve({ ms: 1 } as PreviewResult)));
  };
  return { compute, state, finish: () => finish() };
}

describe('joined previews', () => {
  it('computes a frame asked for twice at once only once, and both get it', async () => {
    const j = new JoinedPreviews();
    const p = slowPreview();
    const a = j.run('k', new AbortController().signal, p.compute);
    const b = j.run('k', new AbortController().signal, p.compute);
    p.finish();
    expect(await a).toBe(await b);
    expect(p.state.runs).toBe(1);
  });

  it('keeps computing while one request is still waiting, and stops when the last one goes', async () => {
    const j = new JoinedPreviews();
    const p = slowPreview();
    const ca = new AbortController();
    const cb = new AbortController();
    const a = j.run('k', ca.signal, p.compute);
    const b = j.run('k', cb.signal, p.compute);
    ca.abort();
    await expect(a).rejects.toMatchObject({ code: 'ANELO_E030_CANCELLED' });
    expect(p.state.aborted).toBe(false);
    cb.abort();
    await expect(b).rejects.toMatchObject({ code: 'ANELO_E030_CANCELLED' });
    expect(p.state.aborted).toBe(true);
    // Asked again, it starts afresh.
    const c = j.run('k', new AbortController().signal, p.compute);
    p.finish();
    await c;
    expect(p.state.runs).toBe(2);
  });
});
