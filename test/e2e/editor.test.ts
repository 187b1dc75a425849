/** The editor in a real browser: the default graph, building a graph from the palette, undo/redo, presets, files, share links. */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, type E2E } from './harness.ts';
import { dragConnectionUntil, edgeCount, nodeBox, nodeIds, openEditor, openPreset, previewImage, selectNode } from './editor-page.ts';

let e: E2E;
beforeAll(async () => {
  e = await startE2E();
});
afterAll(async () => {
  await e?.close();
});

/** The ids in graphs/default.json, read from the file so a node added there does not break this test. */
const DEFAULT_GRAPH = JSON.parse(readFileSync(new URL('../../graphs/default.json', import.meta.url), 'utf8')) as { nodes: { id: string }[]; edges: unknown[] };
const DEFAULT_NODES = DEFAULT_GRAPH.nodes.map((n) => n.id).sort();

describe('the editor', () => {
  it('opens on the default graph: every node on the canvas with its title, wired up', async () => {
    const { page } = e;
    await openEditor(page, e.url);
    expect(await page.getByTestId('graph-name').textContent()).toBe('default');
    expect(await nodeIds(page)).toEqual(DEFAULT_NODES);
    const titles = await page.locator('.graph-node__title').allTextContents();
    expect(titles).toEqual(expect.arrayContaining(['Decode video', 'Depth', 'Scene detect', 'Temporal smooth', 'Edge refine', 'Stereo warp', 'Encode video']));
    expect(await edgeCount(page)).toBe(DEFAULT_GRAPH.edges.length);
    for (const id of DEFAULT_NODES) expect(await nodeBox(page, id).isVisible()).toBe(true);
    // The default graph's preferred model is not installed here: it opens on the installed test model instead.
    expect(await page.getByTestId('param-depth-model').inputValue()).toBe('e2e-depth');
    await e.shot('default-graph');
  });

  it('adds a node from the palette, connects it, and refuses a connection of the wrong type with the reason', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-decode-encode', 'decode');
    expect(await nodeIds(page)).toEqual(['decode', 'encode']);

    await page.getByTestId('palette-search').fill('edge');
    const item = page.getByTestId('palette-item-edge-refine');
    await item.dragTo(page.locator('.react-flow__pane'), { targetPosition: { x: 300, y: 420 } });
    await nodeBox(page, 'edge-refine-1').waitFor();
    await page.getByTestId('palette-search').fill('');
    await page.getByTestId('palette-item-depth').click();
    await nodeBox(page, 'depth-1').waitFor();
    expect(await nodeIds(page)).toEqual(['decode', 'depth-1', 'edge-refine-1', 'encode']);
    // With no node selected, fit view shows the whole graph (it fits at a readable zoom).
    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.getByTestId('canvas').locator('.react-flow__controls-fitview').click();

    await dragConnectionUntil(page, { node: 'decode', port: 'frames' }, { node: 'edge-refine-1', port: 'frames' }, async () => (await edgeCount(page)) === 2);

    // depth output → frames input: a depth map is not video frames.
    const refused = page.getByTestId('connection-refused');
    await dragConnectionUntil(page, { node: 'edge-refine-1', port: 'depth' }, { node: 'depth-1', port: 'frames' }, () => refused.isVisible());
    expect(await refused.textContent()).toMatch(/Cannot connect: .*takes frames on "frames".*gives depth/);
    expect(await edgeCount(page)).toBe(2);
    await e.shot('connection-refused');

    // The unconnected depth node elsewhere does not stop the decode node's preview.
    await selectNode(page, 'decode');
    expect((await previewImage(page)).width).toBeGreaterThan(0);
    expect(await page.getByTestId('preview-image-error').count()).toBe(0);
  });

  it('undoes and redoes an edit with Ctrl+Z / Ctrl+Shift+Z and with the toolbar buttons', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-decode-encode', 'decode');
    expect(await page.getByTestId('undo').isDisabled()).toBe(true);
    await page.getByTestId('palette-item-scene-detect').click();
    await nodeBox(page, 'scene-detect-1').waitFor();
    expect(await page.getByTestId('undo').isEnabled()).toBe(true);

    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.keyboard.press('Control+z');
    await expect.poll(() => nodeIds(page)).toEqual(['decode', 'encode']);
    expect(await page.getByTestId('redo').isEnabled()).toBe(true);
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => nodeIds(page)).toEqual(['decode', 'encode', 'scene-detect-1']);

    await page.getByTestId('undo').click();
    await expect.poll(() => nodeIds(page)).toEqual(['decode', 'encode']);
    await page.getByTestId('redo').click();
    await expect.poll(() => nodeIds(page)).toEqual(['decode', 'encode', 'scene-detect-1']);

    // A param edit is its own step, and undo puts the old value back in the form.
    const crf = page.getByTestId('param-encode-crf');
    await crf.fill('40');
    await crf.blur();
    await page.getByTestId('undo').click();
    await expect.poll(() => crf.inputValue()).toBe('30');
    await page.keyboard.press('Control+Shift+z');
    await expect.poll(() => crf.inputValue()).toBe('40');
  });

  it('saves a preset, keeps it across a reload, and opens it again', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-decode-encode', 'decode');
    await page.getByTestId('param-encode-crf').fill('23');
    await page.getByTestId('param-encode-crf').blur();
    await page.getByTestId('preset-menu').click();
    await page.getByTestId('preset-save').click();
    // A built-in preset is never overwritten: Save asks for a name, in the editor's own dialog.
    await page.getByTestId('dialog-input').fill('my e2e preset');
    await page.getByTestId('dialog-confirm').click();
    await expect.poll(() => page.getByTestId('graph-name').textContent()).toBe('my e2e preset');

    await openPreset(page, 'e2e-decode-encode', 'decode');
    await page.reload();
    await openEditor(page, e.url);
    expect(await page.getByTestId('param-encode-crf').inputValue()).toBe('30');
    await page.getByTestId('preset-menu').click();
    await page.getByTestId('preset-item-my e2e preset').waitFor();
    await e.shot('preset-menu');
    await page.getByTestId('preset-item-my e2e preset').click();
    await expect.poll(() => page.getByTestId('param-encode-crf').inputValue()).toBe('23');
    expect(await page.getByTestId('graph-name').textContent()).toBe('my e2e preset');
  });

  it('exports the graph as a file and imports it back', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-stereo', 'warp');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-graph').click()]);
    expect(download.suggestedFilename()).toBe('e2e-stereo.json');
    const file = await download.path();
    const exported = JSON.parse(readFileSync(file, 'utf8'));
    expect(exported.nodes.map((n: { id: string }) => n.id).sort()).toEqual(['decode', 'depth', 'encode', 'warp']);

    await openPreset(page, 'e2e-decode-encode', 'decode');
    await page.getByTestId('import-file').setInputFiles({ name: 'e2e-stereo.json', mimeType: 'application/json', buffer: readFileSync(file) });
    await expect.poll(() => nodeIds(page)).toEqual(['decode', 'depth', 'encode', 'warp']);
    // An import keeps the graph's own name, marked unsaved.
    expect(await page.getByTestId('graph-name').textContent()).toBe('e2e-stereo •');
    expect(await page.getByTestId('toast').allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('Loaded "e2e-stereo.json"')]));
  });

  it('opens a share link in a new page with the graph restored', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-stereo', 'warp');
    await selectNode(page, 'warp');
    const divergence = page.getByTestId('param-warp-divergence');
    await divergence.fill('4.5');
    await divergence.blur();
    await page.getByTestId('media-select').selectOption('bikes-cuts.mp4');
    await page.getByTestId('frame-number').fill('12');
    await page.getByTestId('share').click();
    const link = await page.getByTestId('share-link').inputValue();
    // The link carries the graph, and the clip and frame on screen.
    expect(link).toMatch(/#g=[A-Za-z0-9_-]+&clip=bikes-cuts\.mp4&f=12$/);

    const other = await e.context.newPage();
    try {
      await openEditor(other, link);
      // This browser still holds the first tab's unsaved graph: the link asks before replacing it.
      await other.getByTestId('dialog').waitFor();
      await other.getByTestId('dialog-confirm').click();
      expect(await nodeIds(other)).toEqual(['decode', 'depth', 'encode', 'warp']);
      expect(await other.getByTestId('param-warp-divergence').inputValue()).toBe('4.5');
      await expect.poll(() => other.getByTestId('media-select').inputValue()).toBe('bikes-cuts.mp4');
      expect(await other.getByTestId('frame-number').inputValue()).toBe('12');
      expect(await other.getByTestId('graph-name').textContent()).toBe('e2e-stereo •');
      expect(new URL(other.url()).hash).toBe('');
      await e.shot('share-link-opened', other);
    } finally {
      await other.close();
    }
  });
});
