/**
 * Models: the default graph and a new Depth node start on an installed model when the preferred one is missing;
 * a node whose model is missing says so in one line with Download / Use <installed>; Run refuses in one short
 * message without asking the server; a node title that named its model follows the new one.
 */
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIP, startE2E, TEST_MODEL_ID, type E2E } from './harness.ts';
import { nodeBox, openEditor, openPreset } from './editor-page.ts';

let e: E2E;
const runPosts: Request[] = [];
beforeAll(async () => {
  e = await startE2E({ viewport: { width: 1600, height: 1000 } });
  e.page.on('request', (r) => {
    if (r.url().endsWith('/api/runs') && r.method() === 'POST') runPosts.push(r);
  });
});
afterAll(async () => {
  await e?.close();
});

const title = (id: string) => nodeBox(e.page, id).locator('.graph-node__title').textContent();

describe('models', () => {
  it('opens the default graph on the installed model when the preferred one is missing, and says so once', async () => {
    const { page } = e;
    // Every toast the page shows, as it appears: the notice fades after 4 s, and on a loaded CI machine the editor's
    // opening alone took longer than that (read after it, the toast was gone, once in each of two CI runs).
    await page.addInitScript(() => {
      const w = window as unknown as { toastsShown: string[] };
      w.toastsShown = [];
      const seen = new WeakSet<Element>();
      new MutationObserver(() => {
        for (const t of document.querySelectorAll('[data-testid=toast]')) {
          if (seen.has(t)) continue;
          seen.add(t);
          w.toastsShown.push(t.textContent ?? '');
        }
      }).observe(document, { childList: true, subtree: true, characterData: true });
    });
    await openEditor(page, e.url);
    expect(await page.getByTestId('graph-name').textContent()).toBe('default');
    expect(await page.getByTestId('param-depth-model').inputValue()).toBe(TEST_MODEL_ID);
    expect(await page.getByTestId('model-missing-depth').count()).toBe(0);
    const shown = () => page.evaluate(() => (window as unknown as { toastsShown: string[] }).toastsShown.filter((t) => t.includes('Depth Anything V2 Small → test model')).length);
    await expect.poll(shown).toBe(1);
    // Once: not again a moment later.
    await page.waitForTimeout(500);
    expect(await shown()).toBe(1);
  });

  it('offers Download and Use <installed> on a node whose model is missing, and Run says so in one line', async () => {
    const { page } = e;
    await page.getByTestId('media-select').selectOption(CLIP);
    await openPreset(page, 'compare-midas-vs-depth-anything', 'midas');
    const box = page.getByTestId('model-missing-midas');
    expect(await box.textContent()).toContain('MiDaS v2.1 Small 256 is not installed');
    expect(await page.getByTestId('model-download-midas-v21-small').textContent()).toMatch(/^Download \(\d+(\.\d)? MB\)$/);
    expect(await page.getByTestId('model-use-installed-midas').textContent()).toBe('Use test model');
    await page.getByTestId('model-help-midas').click();
    expect(await page.getByTestId('model-help-text-midas').textContent()).toContain('models/');
    await e.shot('model-missing');

    const before = runPosts.length;
    await page.getByTestId('run').click();
    const toast = page.getByTestId('toast').filter({ hasText: 'Run: ' });
    await toast.waitFor();
    expect(await toast.count()).toBe(1);
    expect(((await toast.textContent()) ?? '').length).toBeLessThan(220);
    expect(runPosts.length).toBe(before);

    await page.getByTestId('model-use-installed-midas').click();
    await box.waitFor({ state: 'detached' });
    // The preset titled the node after its model; the title follows the model now used.
    expect(await title('midas')).toBe('test model');
    await page.getByTestId('param-depthAnything-model').selectOption(TEST_MODEL_ID);
    await expect.poll(() => title('depthAnything')).toBe('test model');
  });

  it('starts a new Depth node on the installed model', async () => {
    const { page } = e;
    await page.getByTestId('palette-item-depth').click();
    await nodeBox(page, 'depth-1').waitFor();
    expect(await page.getByTestId('param-depth-1-model').inputValue()).toBe(TEST_MODEL_ID);
  });

  it('says on the node at once, before any preview, that an installed model file is damaged', async () => {
    const { page } = e;
    // FastDepth's file in the models folder, the right size but not the published bytes (a broken download).
    const damaged = path.join(process.env.ANELO_MODELS_DIR!, 'fastdepth-nyu-224-f32.onnx');
    writeFileSync(damaged, new Uint8Array(5424524));
    try {
      // A reload lists the file as installed; the default graph has one depth node.
      await openEditor(page, e.url);
      await openPreset(page, 'default', 'depth');
      await page.getByTestId('media-select').selectOption(CLIP);
      await page.getByTestId('param-depth-model').selectOption('fastdepth-nyu-224');
      await expect.poll(() => page.getByTestId('node-error-depth').textContent()).toMatch(/^ANELO_E043_MODEL_CHECKSUM: fastdepth-nyu-224-f32\.onnx has sha256 /);
      expect(await page.getByTestId('node-badge-depth').getAttribute('data-state')).toBe('error');
      await e.shot('model-damaged');
    } finally {
      rmSync(damaged, { force: true });
    }
  });
});
