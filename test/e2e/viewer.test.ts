/**
 * The viewer at 1600x1000 and 1280x720: stereo frames shown large, depth in the video's aspect with a near/far
 * legend, a resizable divider, frames stepped with the keys, scrubbing that keeps updating (small frames while
 * moving, full size once still) and frames seen before shown without a new request.
 */
import type { Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, type E2E } from './harness.ts';
import { openEditor, openPreset, previewImage, selectNode } from './editor-page.ts';

const WIDE_CLIP = 'bikes-cuts.mp4'; // 640x272, 2.35:1, 250 frames

let e: E2E;
const previews: { frame: number; maxWidth?: number; nodeId: string }[] = [];
beforeAll(async () => {
  e = await startE2E({ viewport: { width: 1600, height: 1000 } });
  e.page.on('request', (r: Request) => {
    if (r.url().endsWith('/api/preview')) previews.push(r.postDataJSON());
  });
  await openEditor(e.page, e.url);
  await e.page.getByTestId('media-select').selectOption(WIDE_CLIP);
  await e.page.getByTestId('media-info').filter({ hasText: '640×272' }).waitFor();
});
afterAll(async () => {
  await e?.close();
});

async function imageBox(testId = 'preview-image'): Promise<{ width: number; height: number; x: number }> {
  await previewImage(e.page, testId);
  const box = await e.page.getByTestId(testId).boundingBox();
  if (!box) throw new Error('preview image not on screen');
  return box;
}

const frameNumber = async (): Promise<number> => Number(await e.page.getByTestId('frame-number').inputValue());

describe('the viewer', () => {
  it('shows a full-SBS stereo frame over half the window wide when enlarged, at 1600x1000 and 1280x720', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-stereo', 'warp');
    await selectNode(page, 'warp');
    const small = await imageBox();
    await page.getByTestId('preview-enlarge').click();
    await expect.poll(async () => (await imageBox()).width).toBeGreaterThan(800);
    const large = await imageBox();
    expect(large.width).toBeGreaterThan(small.width);
    // Full SBS of 640x272: 1280x272, drawn in its own aspect.
    expect(large.width / large.height).toBeCloseTo(1280 / 272, 1);
    await e.shot('viewer-stereo-enlarged-1600x1000');

    await page.setViewportSize({ width: 1280, height: 720 });
    await expect.poll(async () => (await imageBox()).width).toBeGreaterThan(640);
    await e.shot('viewer-stereo-enlarged-1280x720');
    await page.getByTestId('preview-enlarge').click();
    await expect.poll(async () => (await imageBox()).width).toBeLessThan(640);
    await page.waitForTimeout(400);
    await e.shot('viewer-stereo-1280x720');
    await page.setViewportSize({ width: 1600, height: 1000 });
    await e.shot('viewer-stereo-1600x1000');
  });

  it('shows depth in the video aspect ratio (not the model square) with a far/near legend', async () => {
    const { page } = e;
    await selectNode(page, 'depth');
    const img = await previewImage(page);
    // The test model works at 56 px on the short side, so the PNG is not the video's shape…
    expect(img.width / img.height).not.toBeCloseTo(640 / 272, 1);
    // …but it is drawn in the video's 2.35:1.
    const box = await imageBox();
    expect(box.width / box.height).toBeCloseTo(640 / 272, 1);
    const legend = page.getByTestId('depth-legend');
    expect(await legend.textContent()).toMatch(/^far.*near/);
    await e.shot('viewer-depth-legend');
  });

  it('gives the viewer more room when the divider is dragged', async () => {
    const { page } = e;
    const panel = page.getByTestId('preview-panel');
    const before = (await panel.boundingBox())!.width;
    const bar = (await page.getByTestId('panel-resizer').boundingBox())!;
    await page.mouse.move(bar.x + 3, bar.y + 200);
    await page.mouse.down();
    await page.mouse.move(bar.x - 100, bar.y + 200, { steps: 5 });
    await page.mouse.move(bar.x - 197, bar.y + 200, { steps: 5 });
    await page.mouse.up();
    await expect.poll(async () => (await panel.boundingBox())!.width).toBeGreaterThan(before + 180);
    // The canvas keeps its room whatever is dragged.
    await page.mouse.move(bar.x - 150, bar.y + 200);
    expect((await page.getByTestId('canvas').boundingBox())!.width).toBeGreaterThan(300);
  });

  it('steps frames with the arrow keys (Shift: ten frames)', async () => {
    const { page } = e;
    await selectNode(page, 'warp');
    await page.getByTestId('frame-number').fill('0');
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('ArrowRight');
    await expect.poll(frameNumber).toBe(1);
    await page.keyboard.press('Shift+ArrowRight');
    await expect.poll(frameNumber).toBe(11);
    await page.keyboard.press('ArrowLeft');
    await expect.poll(frameNumber).toBe(10);
  });

  it('marks the clip\'s scene cuts on the scrubber, where the slider has those frames; a click near one jumps to it', async () => {
    const { page } = e;
    // e2e-stereo has no scene-detect node: the server finds the cuts with a default one, in the background.
    await openPreset(page, 'e2e-stereo', 'warp');
    const marks = page.getByTestId('cut-marks');
    await expect.poll(() => marks.getAttribute('data-state'), { timeout: 90_000 }).toBe('done');
    const cuts = await marks.locator('[data-frame]').evaluateAll((els) => els.map((x) => Number(x.getAttribute('data-frame'))));
    // bikes-cuts.mp4: hard cuts at frames 30, 76, 137, 187, 242 (DATA.md).
    expect(cuts).toEqual([30, 76, 137, 187, 242]);

    // Each mark sits over the slider position of its frame: pressing the slider there selects that frame (±1).
    const slider = (await page.getByTestId('frame-scrubber').boundingBox())!;
    for (const f of [30, 187]) {
      const m = (await page.getByTestId(`cut-mark-${f}`).boundingBox())!;
      await page.mouse.click(m.x + m.width / 2, slider.y + slider.height / 2);
      await expect.poll(frameNumber).toBeGreaterThanOrEqual(f - 1);
      expect(Math.abs((await frameNumber()) - f)).toBeLessThanOrEqual(1);
    }
    // A click a few pixels beside the tick still jumps exactly to the cut.
    const m = (await page.getByTestId('cut-mark-137').boundingBox())!;
    await page.mouse.click(m.x + m.width / 2 + 4, m.y + m.height / 2);
    await expect.poll(frameNumber).toBe(137);
    await selectNode(page, 'depth');
    await previewImage(page);
    await e.shot('viewer-scene-cuts');
  });

  it('shows a stereo frame as a red/cyan anaglyph of its two eyes, or wiggling between them about six times a second', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-stereo', 'warp');
    await selectNode(page, 'warp');
    await page.getByTestId('frame-number').fill('100');
    await expect.poll(() => page.getByTestId('preview-image').getAttribute('data-low'), { timeout: 30_000 }).toBe('0');
    await previewImage(page);
    await page.getByTestId('stereo-view-anaglyph').click();
    const canvas = page.getByTestId('preview-image-stereo');
    // Full SBS of 640x272: each eye is 640x272, shown in that aspect.
    await expect.poll(() => canvas.evaluate((c: HTMLCanvasElement) => `${c.width}x${c.height}`)).toBe('640x272');
    const box = (await canvas.boundingBox())!;
    expect(box.width / box.height).toBeCloseTo(640 / 272, 1);

    /** Samples of the canvas against the packed frame's eyes: how many pixels match the anaglyph / each eye. */
    const compare = () =>
      page.evaluate(() => {
        const img = document.querySelector<HTMLImageElement>('img[data-testid="preview-image"]')!;
        const c = document.querySelector<HTMLCanvasElement>('canvas[data-testid="preview-image-stereo"]')!;
        const W = img.naturalWidth;
        const w = W / 2;
        const h = img.naturalHeight;
        const t = document.createElement('canvas');
        t.width = W;
        t.height = h;
        const g = t.getContext('2d')!;
        g.drawImage(img, 0, 0);
        const src = g.getImageData(0, 0, W, h).data;
        const out = c.getContext('2d')!.getImageData(0, 0, w, h).data;
        const n = { samples: 0, anaglyph: 0, left: 0, right: 0, eyesDiffer: 0 };
        for (let y = 3; y < h; y += 9) {
          for (let x = 3; x < w; x += 9) {
            const o = (y * w + x) * 4;
            const l = (y * W + x) * 4;
            const r = (y * W + x + w) * 4;
            n.samples++;
            if (out[o] === src[l] && out[o + 1] === src[r + 1] && out[o + 2] === src[r + 2]) n.anaglyph++;
            if (out[o] === src[l] && out[o + 1] === src[l + 1] && out[o + 2] === src[l + 2]) n.left++;
            if (out[o] === src[r] && out[o + 1] === src[r + 1] && out[o + 2] === src[r + 2]) n.right++;
            if (src[l] !== src[r] || src[l + 1] !== src[r + 1]) n.eyesDiffer++;
          }
        }
        return { ...n, eye: c.dataset.eye };
      });
    const ana = await compare();
    // Red from the left eye, green and blue from the right, everywhere; and the eyes do differ (there is depth).
    expect(ana.anaglyph).toBe(ana.samples);
    expect(ana.eyesDiffer).toBeGreaterThan(ana.samples / 10);
    await e.shot('viewer-stereo-anaglyph');

    await page.getByTestId('stereo-view-wiggle').click();
    await expect.poll(() => canvas.getAttribute('data-mode')).toBe('wiggle');
    // Each state shown is one whole eye, and both eyes are shown.
    const eyes = new Set<string>();
    for (let i = 0; i < 40 && eyes.size < 2; i++) {
      const st = await compare();
      expect(st.eye === 'left' ? st.left : st.right).toBe(st.samples);
      eyes.add(st.eye!);
      await page.waitForTimeout(50);
    }
    expect([...eyes].sort()).toEqual(['left', 'right']);
    // The swap rate, timed in the page (sampling over the test connection is too coarse): about 6 a second.
    const swapsPerSecond = await canvas.evaluate(
      (c: HTMLCanvasElement) =>
        new Promise<number>((resolve) => {
          const times: number[] = [];
          const mo = new MutationObserver(() => times.push(performance.now()));
          mo.observe(c, { attributes: true, attributeFilter: ['data-eye'] });
          setTimeout(() => {
            mo.disconnect();
            resolve(times.length > 1 ? (times.length - 1) / ((times[times.length - 1] - times[0]) / 1000) : 0);
          }, 2000);
        }),
    );
    expect(swapsPerSecond).toBeGreaterThan(4);
    expect(swapsPerSecond).toBeLessThan(8);
    await page.getByTestId('stereo-view-packed').click();
    await expect.poll(() => canvas.count()).toBe(0);
  });

  it('keeps updating the image while the scrubber is dragged, small frames while moving and full size once still', async () => {
    const { page } = e;
    await selectNode(page, 'warp');
    await previewImage(page);
    const slider = (await page.getByTestId('frame-scrubber').boundingBox())!;
    const y = slider.y + slider.height / 2;
    const seen = new Set<string>();
    const first = previews.length;
    await page.mouse.move(slider.x + 8, y);
    await page.mouse.down();
    for (let i = 1; i <= 30; i++) {
      await page.mouse.move(slider.x + 8 + (i * (slider.width - 16) * 0.6) / 30, y);
      await page.waitForTimeout(60);
      const src = await page.getByTestId('preview-image').getAttribute('src');
      if (src) seen.add(src);
    }
    await page.mouse.up();
    const during = previews.slice(first);
    // A debounce that restarts on every move would show one image at the end; the throttle shows several on the way.
    expect(seen.size).toBeGreaterThanOrEqual(3);
    expect(during.filter((r) => r.maxWidth === 480).length).toBeGreaterThanOrEqual(2);

    // Once still, the full-size frame replaces the small one (read it only then: the small one is not stale either).
    await expect.poll(() => page.getByTestId('preview-image').getAttribute('data-low'), { timeout: 20_000 }).toBe('0');
    const img = await previewImage(page);
    const last = await frameNumber();
    expect(last).toBeGreaterThan(100);
    const full = previews.filter((r) => r.frame === last && r.maxWidth === undefined);
    expect(full.length).toBe(1);
    expect(img.width).toBe(1280);
  });

  it('shows a frame seen before at once, without asking the server again', async () => {
    const { page } = e;
    await selectNode(page, 'warp');
    await page.getByTestId('frame-number').fill('60');
    await page.keyboard.press('Tab');
    await expect.poll(() => page.getByTestId('preview-image').getAttribute('data-low'), { timeout: 20_000 }).toBe('0');
    await previewImage(page);
    await page.getByTestId('frame-number').fill('75');
    await expect.poll(() => page.getByTestId('preview-image').getAttribute('data-low'), { timeout: 20_000 }).toBe('0');
    await previewImage(page);
    const asked = previews.filter((r) => r.frame === 60).length;
    await page.getByTestId('frame-number').fill('60');
    await expect.poll(() => page.getByTestId('preview-image-meta').textContent()).toMatch(/cached in the page/);
    await previewImage(page);
    await page.waitForTimeout(400);
    expect(previews.filter((r) => r.frame === 60).length).toBe(asked);
  });
});
