/**
 * Compare: A and B preselected and labelled, truly side by side (or split), the agreement figures (AbsRel, δ1) of
 * the Compare depth node shown after a run, on the compare panel and on the node.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIP, startE2E, TEST_GRAPHS, type E2E } from './harness.ts';
import { openEditor, openPreset } from './editor-page.ts';

let e: E2E;
beforeAll(async () => {
  e = await startE2E({ viewport: { width: 1600, height: 1000 } });
  await openEditor(e.page, e.url);
  await e.page.getByTestId('media-select').selectOption(CLIP);
  await e.page.getByTestId('media-info').filter({ hasText: '176×144' }).waitFor();
});
afterAll(async () => {
  await e?.close();
});

async function runFrames(end: number): Promise<void> {
  const { page } = e;
  await page.getByTestId('run-start').fill('0');
  await page.getByTestId('run-end').fill(String(end));
  const [res] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/runs') && r.request().method() === 'POST'), page.getByTestId('run').click()]);
  const { runId } = await res.json();
  await expect.poll(() => page.getByTestId(`run-item-${runId}`).getAttribute('data-state'), { timeout: 90_000 }).toBe('done');
}

describe('compare', () => {
  it('preselects two depth nodes as A and B, labels them, and shows them truly side by side', async () => {
    const { page } = e;
    await openPreset(page, 'compare-midas-vs-depth-anything', 'midas');
    await page.getByTestId('model-use-installed-midas').click();
    await page.getByTestId('model-use-installed-depthAnything').click();
    await page.getByTestId('compare-toggle').check();
    const a = await page.getByTestId('compare-a').inputValue();
    const b = await page.getByTestId('compare-b').inputValue();
    expect([a, b].sort()).toEqual(['depthAnything', 'midas']);

    await page.getByTestId('compare-mode-side').click();
    await page.locator('img[data-testid=preview-image-a]:not(.is-stale)').waitFor();
    await page.locator('img[data-testid=preview-image-b]:not(.is-stale)').waitFor();
    // Side by side once both images have loaded and laid out (a loading image has no height yet, so it sits lower).
    const layout = async (): Promise<{ gap: number; rise: number }> => {
      const boxA = (await page.getByTestId('preview-image-a').boundingBox())!;
      const boxB = (await page.getByTestId('preview-image-b').boundingBox())!;
      return { gap: boxB.x + 1 - (boxA.x + boxA.width), rise: Math.abs(boxA.y - boxB.y) };
    };
    await expect.poll(async () => (await layout()).rise).toBeLessThan(2);
    expect((await layout()).gap).toBeGreaterThanOrEqual(0);
    const labels = await page.locator('.compare__side .preview__label').allTextContents();
    expect(labels).toEqual([`A · test model`, `B · test model`]);
    expect(await page.getByTestId('compare-figures').textContent()).toMatch(/Run the graph to get the agreement figures/);

    await page.getByTestId('compare-mode-split').click();
    expect(await page.getByTestId('compare-label-a').textContent()).toBe('A · test model');
    expect(await page.getByTestId('compare-label-b').textContent()).toBe('B · test model');
  });

  it('shows the agreement figures (AbsRel, δ1) of A and B after a run', async () => {
    const { page } = e;
    await page.getByTestId('compare-mode-side').click();
    await runFrames(16);
    const figures = page.getByTestId('compare-figures-values');
    await figures.waitFor();
    // The same model on both sides: they agree exactly.
    expect(await figures.textContent()).toMatch(/AbsRel 0\.000.*δ1 1\.00/);
    expect(await page.getByTestId('node-figures-compare').textContent()).toMatch(/AbsRel 0\.000.*δ1 1\.00/);
    await e.shot('compare-side-by-side');
    await page.getByTestId('compare-toggle').uncheck();
  });
  it('colours A and B on one depth scale, the union of their frames\' ranges, and the legend says so', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-two-depths', 'fine');
    await page.getByTestId('compare-toggle').check();
    await page.getByTestId('compare-a').selectOption('coarse');
    await page.getByTestId('compare-b').selectOption('fine');
    await page.getByTestId('compare-mode-side').click();
    const imgA = page.locator('img[data-testid=preview-image-a]:not(.is-stale)');
    const imgB = page.locator('img[data-testid=preview-image-b]:not(.is-stale)');
    await expect.poll(() => imgA.getAttribute('data-depth-scale'), { timeout: 30_000 }).toBe('shared');
    await expect.poll(() => imgB.getAttribute('data-depth-scale'), { timeout: 30_000 }).toBe('shared');
    const shared = (await imgA.getAttribute('data-depth-range'))!;
    expect(await imgB.getAttribute('data-depth-range')).toBe(shared);

    // Each node's frame alone (as a plain preview colours it) spans its own, different range; the shared one covers both.
    const frame = Number(await page.getByTestId('frame-number').inputValue());
    const own = await page.evaluate(
      async ({ graph, input, frame }) => {
        const range = async (nodeId: string) => {
          const r = await fetch('/api/preview', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ graph, input, nodeId, frame }) });
          return r.headers.get('x-anelo-depth-range')!.split(',').map(Number);
        };
        return { coarse: await range('coarse'), fine: await range('fine') };
      },
      { graph: TEST_GRAPHS['e2e-two-depths'], input: CLIP, frame },
    );
    expect(own.coarse).not.toEqual(own.fine);
    expect(shared.split(',').map(Number)).toEqual([Math.min(own.coarse[0], own.fine[0]), Math.max(own.coarse[1], own.fine[1])]);
    const notes = await page.locator('.compare__side [data-testid$=-legend-note]').allTextContents();
    expect(notes.length).toBe(2);
    expect(notes[0]).toMatch(/^one scale for A and B: /);
    expect(notes[1]).toBe(notes[0]);
    await e.shot('compare-one-scale');
  });
});
