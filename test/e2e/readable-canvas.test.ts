/**
 * Node text stays readable after "fit view" at 1600x1000 and 1280x720: titles and port labels at least 11 px on
 * screen (font size × canvas zoom). The default graph fits whole at 1600x1000; at 1280x720 the view shows it from
 * its start, at the smallest readable zoom, or fits the selected nodes.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, type E2E } from './harness.ts';
import { openEditor, openPreset, selectNode, waitForViewportStill } from './editor-page.ts';

let e: E2E;
beforeAll(async () => {
  e = await startE2E({ viewport: { width: 1600, height: 1000 } });
  await openEditor(e.page, e.url);
});
afterAll(async () => {
  await e?.close();
});

interface TextSizes {
  zoom: number;
  /** Smallest on-screen size (px) of the node titles and port labels of nodes inside the canvas. */
  smallestTitle: number;
  smallestPort: number;
  /** Ids of the nodes wholly inside the canvas. */
  inView: string[];
}

async function textSizes(page: Page): Promise<TextSizes> {
  await waitForViewportStill(page);
  return page.evaluate(() => {
    const zoom = new DOMMatrix(getComputedStyle(document.querySelector('.react-flow__viewport')!).transform).a;
    const canvas = document.querySelector('[data-testid="canvas"]')!.getBoundingClientRect();
    const inside = (r: DOMRect) => r.left >= canvas.left && r.right <= canvas.right && r.top >= canvas.top && r.bottom <= canvas.bottom;
    const nodes = [...document.querySelectorAll<HTMLElement>('.react-flow__node')].filter((n) => inside(n.getBoundingClientRect()));
    const px = (sel: string) => Math.min(...nodes.flatMap((n) => [...n.querySelectorAll<HTMLElement>(sel)]).map((el) => parseFloat(getComputedStyle(el).fontSize) * zoom));
    return { zoom, smallestTitle: px('.graph-node__title'), smallestPort: px('.port__name'), inView: nodes.map((n) => n.getAttribute('data-id')!).sort() };
  });
}

const fit = (page: Page) => page.getByTestId('canvas').locator('.react-flow__controls-fitview').click();

/**
 * How many toasts are on screen, how many overlap the canvas's zoom controls (a stack of notices once hid the fit
 * button) and how many reach out of the canvas (over the viewer beside it, when the viewer is enlarged).
 */
async function toastsOverControls(page: Page): Promise<{ toasts: number; over: number; outside: number }> {
  return page.evaluate(() => {
    const controls = document.querySelector('.react-flow__controls')!.getBoundingClientRect();
    const canvas = document.querySelector('[data-testid="canvas"]')!.getBoundingClientRect();
    const toasts = [...document.querySelectorAll('[data-testid="toast"]')].map((t) => t.getBoundingClientRect());
    const meets = (r: DOMRect) => r.left < controls.right && r.right > controls.left && r.top < controls.bottom && r.bottom > controls.top;
    const inside = (r: DOMRect) => r.left >= canvas.left && r.right <= canvas.right && r.top >= canvas.top && r.bottom <= canvas.bottom;
    return { toasts: toasts.length, over: toasts.filter(meets).length, outside: toasts.filter((r) => !inside(r)).length };
  });
}

describe('readable node text at fit zoom', () => {
  it('shows the whole default graph at 1600x1000 with titles and port labels of 11 px or more', async () => {
    const { page } = e;
    await openPreset(page, 'default', 'warp');
    // The "Opened" notice (and the model notice) stay clear of the zoom controls.
    await expect.poll(async () => (await toastsOverControls(page)).toasts).toBeGreaterThan(0);
    expect(await toastsOverControls(page)).toMatchObject({ over: 0, outside: 0 });
    await fit(page);
    const s = await textSizes(page);
    expect(s.inView).toEqual(['decode', 'depth', 'encode', 'flow', 'refine', 'scenes', 'smooth', 'warp']);
    expect(s.smallestTitle).toBeGreaterThanOrEqual(11);
    expect(s.smallestPort).toBeGreaterThanOrEqual(11);
    // With everything on screen the minimap has nothing to show, and it would cover a corner of the graph.
    expect(await page.locator('.react-flow__minimap').count()).toBe(0);
    await e.shot('default-graph-1600x1000');
  });

  it('keeps text readable at 1280x720: the graph from its start, or the selected nodes', async () => {
    const { page } = e;
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await openPreset(page, 'default', 'warp');
    await expect.poll(async () => (await toastsOverControls(page)).toasts).toBeGreaterThan(0);
    expect(await toastsOverControls(page)).toMatchObject({ over: 0, outside: 0 });
    await fit(page);
    const start = await textSizes(page);
    expect(start.smallestTitle).toBeGreaterThanOrEqual(11);
    expect(start.smallestPort).toBeGreaterThanOrEqual(11);
    // From its start: the input is on screen.
    expect(start.inView).toContain('decode');
    expect(start.inView.length).toBeLessThan(8);
    // The minimap shows where the rest is: visible (a stylesheet rule once hid it below 1500 px while the DOM had it),
    // and no notice lies over it.
    await expect.poll(() => page.locator('.react-flow__minimap').isVisible()).toBe(true);
    const overMap = await page.evaluate(() => {
      const m = document.querySelector('.react-flow__minimap')!.getBoundingClientRect();
      return [...document.querySelectorAll('[data-testid="toast"]')].map((t) => t.getBoundingClientRect()).filter((r) => r.left < m.right && r.right > m.left && r.top < m.bottom && r.bottom > m.top).length;
    });
    expect(overMap).toBe(0);
    await e.shot('default-graph-fit-1280x720');

    await selectNode(page, 'warp');
    await fit(page);
    const sel = await textSizes(page);
    expect(sel.inView).toContain('warp');
    expect(sel.smallestPort).toBeGreaterThanOrEqual(11);
    await page.setViewportSize({ width: 1600, height: 1000 });
  });

  it('keeps notices inside the canvas when the viewer is enlarged beside it', async () => {
    const { page } = e;
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByTestId('preview-enlarge').click();
    await openPreset(page, 'default', 'warp');
    await expect.poll(async () => (await toastsOverControls(page)).toasts).toBeGreaterThan(0);
    expect(await toastsOverControls(page)).toMatchObject({ over: 0, outside: 0 });
    await e.shot('notices-enlarged-viewer-1280x720');
    await page.getByTestId('preview-enlarge').click();
    await page.setViewportSize({ width: 1600, height: 1000 });
  });
});
