/**
 * Node-editor basics: copy/paste and duplicate, a wire into a connected input replaces the edge, a wire dropped on
 * empty canvas opens a node search filtered to what fits, ports that cannot take the wire dim while dragging,
 * the context menu, Esc closing menus, Ctrl+A selecting nodes and Ctrl+Enter rendering.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLIP, startE2E, type E2E } from './harness.ts';
import { dragConnectionUntil, edgeCount, nodeBox, nodeIds, openEditor, openPreset, selectNode, waitForViewportStill } from './editor-page.ts';

let e: E2E;
beforeAll(async () => {
  e = await startE2E({ viewport: { width: 1600, height: 1000 } });
  await openEditor(e.page, e.url);
});
afterAll(async () => {
  await e?.close();
});

/**
 * The wires on the canvas as "a.port->b.port": what the user sees, read from the live canvas (the copy the editor
 * keeps in localStorage is written 400 ms after the last edit, later still on a loaded machine, so polling it with
 * a short timeout failed while the edit had long been made).
 */
async function edges(page: Page): Promise<string[]> {
  return page.locator('.react-flow__edge').evaluateAll((els) => els.map((x) => x.getAttribute('data-id') ?? '').sort());
}

/** Pairs of nodes whose boxes on the canvas overlap. */
async function overlappingNodes(page: Page): Promise<string[]> {
  return page.locator('.react-flow__node').evaluateAll((els) => {
    const boxes = els.map((e) => ({ id: e.getAttribute('data-id'), r: e.getBoundingClientRect() }));
    const out: string[] = [];
    for (const a of boxes) for (const b of boxes) if (a.id! < b.id! && a.r.left < b.r.right && b.r.left < a.r.right && a.r.top < b.r.bottom && b.r.top < a.r.bottom) out.push(`${a.id}/${b.id}`);
    return out;
  });
}

const handle = (page: Page, nodeId: string, port: string, kind: 'source' | 'target') => page.locator(`.react-flow__handle.${kind}[data-nodeid="${nodeId}"][data-handleid="${port}"]`);

describe('node-editor basics', () => {
  it('copies, pastes and duplicates nodes with the edges between them', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-stereo', 'warp');
    await selectNode(page, 'depth');
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await expect.poll(() => nodeIds(page)).toEqual(['decode', 'depth', 'depth-1', 'encode', 'warp']);
    // The pasted node is selected: Ctrl+D duplicates it.
    await page.keyboard.press('Control+d');
    await expect.poll(() => nodeIds(page)).toEqual(['decode', 'depth', 'depth-1', 'depth-2', 'encode', 'warp']);
    expect(await page.getByTestId('param-depth-2-model').inputValue()).toBe(await page.getByTestId('param-depth-model').inputValue());

    // Ctrl+A selects every node (not the page's text); pasting them brings their edges along.
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.keyboard.press('Control+a');
    await expect.poll(() => page.locator('.graph-node.is-selected').count()).toBe(6);
    expect(await page.evaluate(() => window.getSelection()?.toString() ?? '')).toBe('');
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await expect.poll(() => nodeIds(page).then((ids) => ids.length)).toBe(12);
    await expect.poll(() => edgeCount(page)).toBe(8);
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodeIds(page).then((ids) => ids.length)).toBe(6);
  });

  it('replaces the edge when a wire is dropped on a connected input', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-stereo', 'warp');
    await page.getByTestId('palette-item-decode').click();
    await nodeBox(page, 'decode-1').waitFor();
    // Fit view shows the whole graph (it fits at a readable zoom) when no node is selected.
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.getByTestId('canvas').locator('.react-flow__controls-fitview').click();
    // A new node never lands on another one (nor on its handles).
    expect(await overlappingNodes(page)).toEqual([]);
    const replaced = ['decode-1.frames->depth.frames', 'decode.frames->warp.frames', 'depth.depth->warp.depth', 'warp.frames->encode.video'];
    await dragConnectionUntil(page, { node: 'decode-1', port: 'frames' }, { node: 'depth', port: 'frames' }, async () => JSON.stringify(await edges(page)) === JSON.stringify(replaced));
    expect(await page.getByTestId('connection-refused').count()).toBe(0);
    await page.keyboard.press('Control+z');
    await expect.poll(() => edges(page)).toContain('decode.frames->depth.frames');
  });

  it('pastes and adds nodes clear of the nodes already there', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-stereo', 'warp');
    await selectNode(page, 'warp');
    await page.keyboard.press('Control+c');
    await page.keyboard.press('Control+v');
    await page.keyboard.press('Control+v');
    await page.getByTestId('palette-item-depth').click();
    await expect.poll(() => nodeIds(page)).toEqual(['decode', 'depth', 'depth-1', 'encode', 'stereo-warp-1', 'stereo-warp-2', 'warp']);
    await page.getByTestId('canvas').locator('.react-flow__controls-fitview').click();
    await waitForViewportStill(page);
    expect(await overlappingNodes(page)).toEqual([]);
  });

  it('dims the ports a dragged wire cannot land on, and opens a filtered node search when it is dropped on empty canvas', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-stereo', 'warp');
    await waitForViewportStill(page);
    const from = (await handle(page, 'depth', 'depth', 'source').boundingBox())!;
    await page.mouse.move(from.x + from.width / 2, from.y + from.height / 2);
    await page.mouse.down();
    await page.mouse.move(from.x + 60, from.y + 140, { steps: 5 });
    // A depth wire fits the warp's depth input, not its frames input nor any output.
    await expect.poll(() => nodeBox(page, 'warp').locator('.port--in.is-dim .react-flow__handle').getAttribute('data-handleid')).toBe('frames');
    expect(await nodeBox(page, 'warp').locator('.port--in:not(.is-dim) .react-flow__handle').getAttribute('data-handleid')).toBe('depth');
    expect(await nodeBox(page, 'decode').locator('.port--out.is-dim').count()).toBe(1);
    await e.shot('wire-drag-dimmed');
    await page.mouse.move(from.x + 80, from.y + 260, { steps: 5 });
    await page.mouse.up();

    const search = page.getByTestId('node-search');
    await search.waitFor();
    const offered = await search.locator('[data-testid^=node-search-item-]').evaluateAll((els) => els.map((x) => x.getAttribute('data-testid')!.slice(17)));
    expect(offered).toEqual(expect.arrayContaining(['edge-refine', 'stereo-warp', 'temporal-smooth', 'compare']));
    expect(offered).not.toContain('decode');
    expect(offered).not.toContain('depth');
    await page.getByTestId('node-search-input').fill('refine');
    await page.keyboard.press('Enter');
    await nodeBox(page, 'edge-refine-1').waitFor();
    await expect.poll(() => edges(page)).toContain('depth.depth->edge-refine-1.depth');
  });

  it('offers a context menu on nodes and the canvas; Esc closes it and the graph menu', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-stereo', 'warp');
    await nodeBox(page, 'warp').locator('.graph-node__title').click({ button: 'right' });
    await page.getByTestId('canvas-menu').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('canvas-menu').waitFor({ state: 'detached' });
    await nodeBox(page, 'warp').locator('.graph-node__title').click({ button: 'right' });
    await page.getByTestId('menu-duplicate').click();
    await expect.poll(() => nodeIds(page)).toContain('stereo-warp-1');

    await page.locator('.react-flow__pane').click({ button: 'right', position: { x: 40, y: 40 } });
    await page.getByTestId('menu-add-node').click();
    await page.getByTestId('node-search').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('node-search').waitFor({ state: 'detached' });

    await page.getByTestId('preset-menu').click();
    await page.locator('.menu__panel').waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.menu__panel').waitFor({ state: 'detached' });
  });

  it('bypasses a node: previews and runs read through it, Ctrl+B enables it again', async () => {
    const { page } = e;
    await page.getByTestId('media-select').selectOption(CLIP);
    await openPreset(page, 'default', 'smooth');
    await page.getByTestId('model-use-installed-depth').click();
    await nodeBox(page, 'smooth').locator('.graph-node__title').click({ button: 'right' });
    await page.getByTestId('menu-bypass').click();
    await page.getByTestId('node-bypassed-smooth').waitFor();
    // The right-click selected the node: the viewer says why it shows nothing.
    expect(await page.getByTestId('preview-panel').textContent()).toContain('This node is bypassed');
    await e.shot('bypassed-node');

    const previewOf = (id: string) => page.waitForRequest((r) => r.url().endsWith('/api/preview') && r.postDataJSON().nodeId === id, { timeout: 30_000 });
    const [muted] = await Promise.all([previewOf('refine'), selectNode(page, 'refine')]);
    const g = muted.postDataJSON().graph as { nodes: { id: string }[]; edges: { source: string; target: string; targetPort: string }[] };
    expect(g.nodes.map((n) => n.id)).not.toContain('smooth');
    expect(g.edges).toContainEqual(expect.objectContaining({ source: 'depth', target: 'refine', targetPort: 'depth' }));

    await selectNode(page, 'smooth');
    await page.keyboard.press('Control+b');
    await page.getByTestId('node-bypassed-smooth').waitFor({ state: 'detached' });
    const [back] = await Promise.all([previewOf('refine'), selectNode(page, 'refine')]);
    expect((back.postDataJSON().graph as { nodes: { id: string }[] }).nodes.map((n) => n.id)).toContain('smooth');
  });

  it('renders with Ctrl+Enter', async () => {
    const { page } = e;
    await page.getByTestId('media-select').selectOption(CLIP);
    await openPreset(page, 'e2e-decode-encode', 'decode');
    // The shortcut does what the Render button does, and is ignored while a dialog is open: wait for the state a
    // user would see before pressing it (the preset's confirm dialog gone, the button enabled), not a fixed time.
    await page.getByTestId('dialog').waitFor({ state: 'detached' });
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.locator('[data-testid="run"]:not([disabled])').waitFor();
    const [res] = await Promise.all([page.waitForResponse((r) => r.url().endsWith('/api/runs') && r.request().method() === 'POST'), page.keyboard.press('Control+Enter')]);
    expect(res.status()).toBe(202);
  });
});
