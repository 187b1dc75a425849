/** Previews that follow param changes, a stereo preview through a depth model, and a run whose output downloads. */
import { afterAll, beforeAll, describe, expect, it, vi, type MockInstance } from 'vitest';
import { CLIP, startE2E, TEST_MODEL_ID, type E2E } from './harness.ts';
import { nextPreviewImage, openEditor, openPreset, previewImage, selectNode } from './editor-page.ts';

let e: E2E;
let loads: MockInstance;
/** The page's prepare and preview requests in order, with the node a preview is of. */
const asked: string[] = [];
beforeAll(async () => {
  e = await startE2E();
  loads = vi.spyOn(e.app.services.depth!, 'prepare');
  e.page.on('request', (r) => {
    const url = new URL(r.url());
    if (url.pathname === '/api/prepare') asked.push('prepare');
    if (url.pathname === '/api/preview') asked.push(`preview ${(r.postDataJSON() as { nodeId: string }).nodeId}`);
  });
  await openEditor(e.page, e.url);
  await e.page.getByTestId('media-select').selectOption(CLIP);
  await e.page.getByTestId('media-info').filter({ hasText: '176×144' }).waitFor();
});
afterAll(async () => {
  await e?.close();
});

describe('previews and runs', () => {
  it("has the server load the graph's depth model once an input is chosen, before any preview needs depth", async () => {
    // The first graph's depth node falls back to the installed test model; nothing has been previewed through it.
    await expect.poll(() => asked.includes('prepare')).toBe(true);
    await expect.poll(() => loads.mock.calls.some(([p]) => (p as { model?: string }).model === TEST_MODEL_ID)).toBe(true);
    const depthFed = ['depth', 'smooth', 'refine', 'warp', 'flow'];
    expect(asked.slice(0, asked.indexOf('prepare')).filter((a) => depthFed.some((id) => a === `preview ${id}`))).toEqual([]);

    // A restarted server has no model loaded: once the page is connected again it asks again.
    const before = asked.filter((a) => a === 'prepare').length;
    await e.restart();
    const reloads = vi.spyOn(e.app.services.depth!, 'prepare');
    await expect.poll(() => asked.filter((a) => a === 'prepare').length, { timeout: 20_000 }).toBeGreaterThan(before);
    await expect.poll(() => reloads.mock.calls.some(([p]) => (p as { model?: string }).model === TEST_MODEL_ID)).toBe(true);
  });

  it('re-renders the preview when a param changes: a smaller decode height gives a smaller image', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-decode-encode', 'decode');
    await selectNode(page, 'decode');
    expect(await page.getByTestId('preview-node').textContent()).toBe('Decode video');
    const full = await previewImage(page);
    // At its shape on screen: carphone's pixels are 128:117 wide (176x144 stored).
    expect([full.width, full.height]).toEqual([193, 144]);

    await page.getByTestId('param-decode-maxHeight').fill('72');
    const half = await nextPreviewImage(page, full);
    expect([half.width, half.height]).toEqual([96, 72]);
    expect(half.checksum).not.toBe(full.checksum);
    expect(await page.getByTestId('preview-image-meta').textContent()).toMatch(/\d+ ms · (computed|cached)/);
  });

  it('shows a side-by-side stereo frame through a depth model, and more divergence changes it', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-stereo', 'warp');
    await selectNode(page, 'depth');
    // Depth comes at the model's resolution: short side 56, aspect kept (multiples of 14).
    const depth = await previewImage(page);
    expect([depth.width, depth.height]).toEqual([70, 56]);

    await selectNode(page, 'warp');
    const before = await previewImage(page);
    // Two 176x144 eyes of 128:117 pixels.
    expect([before.width, before.height]).toEqual([385, 144]);
    await e.shot('stereo-preview');

    await page.getByTestId('param-warp-divergence').fill('6');
    const after = await nextPreviewImage(page, before);
    expect([after.width, after.height]).toEqual([385, 144]);
    expect(after.checksum).not.toBe(before.checksum);

    // The same frame at the old value again comes from the cache.
    await page.getByTestId('param-warp-divergence').fill('2');
    await nextPreviewImage(page, after);
    await expect.poll(() => page.getByTestId('preview-image-meta').textContent()).toMatch(/cached/);
  });

  it('says on the depth node and in the preview waiting on it that the server is loading the model', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-stereo', 'warp');
    await selectNode(page, 'warp');
    const before = await previewImage(page);
    // The server says the model loads (as a restarted server does on the first prepare, for 1–2 s with FastDepth).
    e.app.eventHub.broadcast({ kind: 'model-load', load: { model: TEST_MODEL_ID, state: 'loading' } });
    await expect.poll(() => page.getByTestId('node-loading-depth').textContent()).toBe('Loading test model…');
    // A preview asked meanwhile waits for the model: its line says so instead of a bare "rendering…".
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    await page.route('**/api/preview', async (route) => {
      await held;
      await route.continue();
    });
    await page.getByTestId('param-warp-divergence').fill('5');
    await expect.poll(() => page.getByTestId('preview-image-meta').textContent()).toBe('loading test model…');
    await e.shot('model-loading');
    // Loaded: the node's line goes; the preview comes once its answer does.
    e.app.eventHub.broadcast({ kind: 'model-load', load: { model: TEST_MODEL_ID, state: 'ready', ms: 1200 } });
    await expect.poll(() => page.getByTestId('node-loading-depth').count()).toBe(0);
    release();
    await nextPreviewImage(page, before);
    await page.unroute('**/api/preview');
    await expect.poll(() => page.getByTestId('preview-image-meta').textContent()).toMatch(/\d+ ms · (computed|cached)/);

    // A model that fails to load says why on its node at once, before any preview through it; loaded, that goes.
    e.app.eventHub.broadcast({ kind: 'model-load', load: { model: TEST_MODEL_ID, state: 'failed', error: { code: 'ANELO_E042_MODEL_MANIFEST', title: 'Model manifest', message: 'e2e-depth.onnx: no good' } } });
    await expect.poll(() => page.getByTestId('node-error-depth').textContent()).toBe('ANELO_E042_MODEL_MANIFEST: e2e-depth.onnx: no good');
    await expect.poll(() => page.getByTestId('node-badge-depth').getAttribute('data-state')).toBe('error');
    e.app.eventHub.broadcast({ kind: 'model-load', load: { model: TEST_MODEL_ID, state: 'ready', ms: 300 } });
    await expect.poll(() => page.getByTestId('node-error-depth').count()).toBe(0);
  });

  it('runs a clip to the end and offers the output for download as video/mp4', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-decode-encode', 'decode');
    await page.getByTestId('run').click();
    const state = page.getByTestId('run-state');
    await expect.poll(() => state.getAttribute('data-state'), { timeout: 60_000 }).toMatch(/done|error/);
    expect(await state.textContent()).toBe('done');
    expect(await page.getByTestId('run-node-encode').textContent()).toMatch(/encode.*\d+ ms|encode.*s$/);

    const link = page.locator('[data-testid^="output-link-"]');
    await link.waitFor();
    const name = (await link.getAttribute('download')) ?? '';
    expect(name).toMatch(/^carphone-176x144-encode-\d{8}-\d{6}\.mp4$/);
    expect(await link.textContent()).toContain(name);
    await e.shot('run-done');

    const res = await page.request.get(new URL((await link.getAttribute('href')) ?? '', e.url).href);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('video/mp4');
    const body = await res.body();
    expect(body.subarray(4, 8).toString('latin1')).toBe('ftyp');

    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(name);
  });

  it('renders only the frame range typed into the run bar', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-decode-encode', 'decode');
    await page.getByTestId('run-start').fill('10');
    await page.getByTestId('run-end').fill('30');
    const [response] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/runs') && r.request().method() === 'POST'), page.getByTestId('run').click()]);
    expect(response.request().postDataJSON().frames).toEqual({ start: 10, end: 30 });
    const { runId } = await response.json();
    const status = async () => (await (await page.request.get(new URL(`/api/runs/${runId}`, e.url).href)).json()) as { state: string; report?: { frames: unknown } };
    await expect.poll(async () => (await status()).state, { timeout: 60_000 }).toBe('done');
    expect((await status()).report?.frames).toEqual({ start: 10, end: 30 });
    await expect.poll(() => page.getByTestId('run-state').textContent()).toBe('done');
    await page.getByTestId('run-start').fill('');
    await page.getByTestId('run-end').fill('');
  });
});
