import { afterEach, describe, expect, it } from 'vitest';
import { hasShared } from '../../helpers/shared-data.ts';
import { buildTestApp, DECODE_ENCODE, type TestApp } from './test-app.ts';

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

describe.skipIf(!hasShared('media'))('preview load limit', () => {
  it('previews beyond the limit get 503 E107 with Retry-After while other routes still answer', async () => {
    t = await buildTestApp({ maxConcurrentPreviews: 1 });
    const preview = (frame: number) => t!.app.inject({ method: 'POST', url: '/api/preview', payload: { graph: DECODE_ENCODE, input: 'bbb-5s-720p.mp4', nodeId: 'dec', frame } });
    const [a, b, c, runs] = await Promise.all([preview(10), preview(60), preview(110), t.app.inject({ url: '/api/runs' })]);
    const codes = [a, b, c].map((r) => r.statusCode).sort();
    expect(codes).toEqual([200, 503, 503]);
    const busy = [a, b, c].find((r) => r.statusCode === 503)!;
    expect(busy.json().error.code).toBe('ANELO_E107_SERVER_BUSY');
    expect(busy.headers['retry-after']).toBe('1');
    expect(runs.statusCode).toBe(200);
    // The slot frees when the preview ends: the next one is served.
    expect((await preview(30)).statusCode).toBe(200);
  }, 30_000);
});
