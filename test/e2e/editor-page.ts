/** What a user does in the editor, as small steps over Playwright: open it, open a preset, select, connect, read the preview. */
import { expect } from 'vitest';
import type { Locator, Page } from 'playwright-core';

/** Loads the editor and waits until the graph is on the canvas and the event socket is live. */
export async function openEditor(page: Page, url: string): Promise<void> {
  await page.goto(url);
  await page.locator('[data-testid=socket-state]', { hasText: 'live' }).waitFor();
  await page.locator('.react-flow__node').first().waitFor();
}

/**
 * Opens a preset from the graph menu and waits for one of its nodes. When the graph on the canvas has unsaved
 * changes the editor asks first; this helper discards them, as a user moving on would.
 */
export async function openPreset(page: Page, name: string, someNodeId: string): Promise<void> {
  await page.getByTestId('preset-menu').click();
  await page.getByTestId(`preset-item-${name}`).click();
  const dialog = page.getByTestId('dialog');
  await expect
    .poll(async () => {
      if (await dialog.isVisible()) await page.getByTestId('dialog-confirm').click();
      return page.getByTestId('graph-name').textContent();
    })
    .toBe(name);
  await page.getByTestId(`node-${someNodeId}`).waitFor();
}

export const nodeBox = (page: Page, id: string): Locator => page.getByTestId(`node-${id}`);

/** The ids of the nodes on the canvas, sorted. */
export async function nodeIds(page: Page): Promise<string[]> {
  const ids = await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id') ?? ''));
  return ids.sort();
}

export async function edgeCount(page: Page): Promise<number> {
  return page.locator('.react-flow__edge').count();
}

/** Clicks a node's title bar (selects it and makes it the previewed node). */
export async function selectNode(page: Page, id: string): Promise<void> {
  // The canvas may still be fitting the view after a graph opens: a click that lands while nodes move is lost, so
  // click again until the node reads selected (clicking a selected node keeps it selected).
  await expect
    .poll(async () => {
      await nodeBox(page, id).locator('.graph-node__title').click();
      return nodeBox(page, id).getAttribute('class');
    })
    .toContain('is-selected');
}

function handle(page: Page, nodeId: string, port: string, kind: 'source' | 'target'): Locator {
  return page.locator(`.react-flow__handle.${kind}[data-nodeid="${nodeId}"][data-handleid="${port}"]`);
}

/** Drags from an output handle to an input handle, as a user connects two ports. */
/** Waits until the canvas stops moving (fit-view animates the viewport; handles measured mid-way miss). */
/**
 * The canvas viewport unchanged for 400 ms. Longer than the 150 ms the canvas waits, after it changes size, before
 * it fits the view again (Canvas.tsx): two equal reads 60 ms apart could fall inside that wait, and the fit then moved
 * the nodes under a drag that had just started.
 */
export async function waitForViewportStill(page: Page): Promise<void> {
  const transform = () => page.locator('.react-flow__viewport').evaluate((e) => getComputedStyle(e).transform);
  let last = await transform();
  let still = 0;
  for (let i = 0; i < 100; i++) {
    await page.waitForTimeout(100);
    const now = await transform();
    still = now === last ? still + 1 : 0;
    if (still >= 4) return;
    last = now;
  }
  throw new Error('the canvas viewport never settled');
}

async function dragConnection(page: Page, from: { node: string; port: string }, to: { node: string; port: string }): Promise<void> {
  await waitForViewportStill(page);
  const a = await handle(page, from.node, from.port, 'source').boundingBox();
  const b = await handle(page, to.node, to.port, 'target').boundingBox();
  if (!a || !b) throw new Error(`handle not on screen: ${from.node}.${from.port} or ${to.node}.${to.port}`);
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move((a.x + b.x) / 2, (a.y + b.y) / 2, { steps: 4 });
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 4 });
  await page.mouse.up();
}

/**
 * dragConnection until `landed` holds, at most three drags. A drop that misses the handle (on a loaded machine the
 * mouse events can trail the view) opens the node search instead: it is closed before the next drag. A connection
 * the editor never makes still fails, after the third.
 */
export async function dragConnectionUntil(page: Page, from: { node: string; port: string }, to: { node: string; port: string }, landed: () => Promise<boolean>): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    await dragConnection(page, from, to);
    if (await expect.poll(landed, { timeout: 5_000 }).toBe(true).then(() => true, () => false)) return;
    await page.keyboard.press('Escape');
  }
  throw new Error(`dragging ${from.node}.${from.port} to ${to.node}.${to.port} never took effect in three drags`);
}

export interface PreviewImage {
  src: string;
  width: number;
  height: number;
  /** Sum of the PNG's bytes, weighted by position: differs when the image differs. */
  checksum: number;
}

/** The preview image once it is loaded and not stale (a newer render pending). */
export async function previewImage(page: Page, testId = 'preview-image'): Promise<PreviewImage> {
  const img = page.locator(`img[data-testid="${testId}"]:not(.is-stale)`);
  await img.waitFor();
  await expect.poll(() => img.evaluate((e: HTMLImageElement) => e.complete && e.naturalWidth > 0)).toBe(true);
  return img.evaluate(async (e: HTMLImageElement) => {
    const bytes = new Uint8Array(await (await fetch(e.src)).arrayBuffer());
    let checksum = 0;
    for (let i = 0; i < bytes.length; i++) checksum = (checksum * 31 + bytes[i]) >>> 0;
    return { src: e.src, width: e.naturalWidth, height: e.naturalHeight, checksum };
  });
}

/** Waits for the preview to show a different image than `before`, and returns it. */
export async function nextPreviewImage(page: Page, before: PreviewImage): Promise<PreviewImage> {
  await expect.poll(() => page.locator('img[data-testid="preview-image"]:not(.is-stale)').getAttribute('src'), { timeout: 20_000 }).not.toBe(before.src);
  return previewImage(page);
}
