/**
 * Work is never lost without asking: opening a preset, importing a file or starting a new graph over unsaved
 * changes asks first (in the editor's own dialog), and New, Rename, Save (Ctrl+S), Save as and Delete all go
 * through dialogs that check what is typed.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startE2E, type E2E } from './harness.ts';
import { nodeIds, openEditor, openPreset } from './editor-page.ts';

let e: E2E;
beforeAll(async () => {
  e = await startE2E({ viewport: { width: 1280, height: 720 } });
  await openEditor(e.page, e.url);
  await e.page.waitForTimeout(300);
  await e.shot('default-graph-1280x720');
});
afterAll(async () => {
  await e?.close();
});

const name = () => e.page.getByTestId('graph-name').textContent();

async function presetNames(): Promise<string[]> {
  const res = await e.page.request.get(new URL('/api/graphs', e.url).href);
  return ((await res.json()) as { graphs: { name: string }[] }).graphs.map((g) => g.name);
}

describe('never lose work', () => {
  it('asks before a preset replaces a modified graph; Cancel keeps the edits, Discard opens the preset', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-decode-encode', 'decode');
    await page.getByTestId('palette-item-scene-detect').click();
    await expect.poll(name).toBe('e2e-decode-encode •');

    await page.getByTestId('preset-menu').click();
    await page.getByTestId('preset-item-e2e-stereo').click();
    const dialog = page.getByTestId('dialog');
    await dialog.waitFor();
    expect(await page.getByTestId('dialog-title').textContent()).toBe('Discard unsaved changes?');
    expect(await dialog.textContent()).toContain('"e2e-decode-encode" has changes that are not saved');
    await e.shot('unsaved-changes-dialog');
    await page.getByTestId('dialog-cancel').click();
    await dialog.waitFor({ state: 'detached' });
    expect(await nodeIds(page)).toEqual(['decode', 'encode', 'scene-detect-1']);
    expect(await name()).toBe('e2e-decode-encode •');
    // Undo history is still there.
    expect(await page.getByTestId('undo').isEnabled()).toBe(true);

    await page.getByTestId('preset-menu').click();
    await page.getByTestId('preset-item-e2e-stereo').click();
    await page.getByTestId('dialog-confirm').click();
    await expect.poll(() => nodeIds(page)).toEqual(['decode', 'depth', 'encode', 'warp']);
    expect(await name()).toBe('e2e-stereo');
  });

  it('asks before an imported file or New replaces a modified graph; Esc cancels', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-decode-encode', 'decode');
    await page.getByTestId('palette-item-depth').click();
    await page.getByTestId('import-file').setInputFiles({ name: 'other.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify({ schemaVersion: 1, name: 'other', nodes: [], edges: [] })) });
    await page.getByTestId('dialog').waitFor();
    await page.keyboard.press('Escape');
    await page.getByTestId('dialog').waitFor({ state: 'detached' });
    expect(await nodeIds(page)).toEqual(['decode', 'depth-1', 'encode']);

    await page.getByTestId('preset-menu').click();
    await page.getByTestId('graph-new').click();
    await page.getByTestId('dialog-confirm').click();
    await expect.poll(() => nodeIds(page)).toEqual([]);
    expect(await name()).toBe('untitled');
  });

  it('renames an unsaved graph, saves it under that name with Ctrl+S, renames the saved preset, and deletes it', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-stereo', 'warp');
    await page.getByTestId('graph-name').click();
    const input = page.getByTestId('dialog-input');
    expect(await input.inputValue()).toBe('e2e-stereo');
    // The name comes selected, so typing replaces it.
    expect(await input.evaluate((el: HTMLInputElement) => [el.selectionStart, el.selectionEnd])).toEqual([0, 'e2e-stereo'.length]);
    // Checked as typed: a bad name says why and cannot be confirmed.
    await input.fill('../etc');
    await page.getByTestId('dialog-problem').waitFor();
    expect(await page.getByTestId('dialog-confirm').isDisabled()).toBe(true);
    await input.fill('my studio graph');
    await e.shot('rename-dialog');
    await page.getByTestId('dialog-confirm').click();
    await expect.poll(name).toBe('my studio graph •');

    await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
    await page.keyboard.press('Control+s');
    await expect.poll(name).toBe('my studio graph');
    expect(await presetNames()).toContain('my studio graph');

    await page.getByTestId('graph-name').click();
    await page.getByTestId('dialog-input').fill('renamed graph');
    await page.getByTestId('dialog-confirm').click();
    await expect.poll(name).toBe('renamed graph');
    await expect.poll(presetNames).toContain('renamed graph');
    expect(await presetNames()).not.toContain('my studio graph');

    // The description is edited in the same way, saved with the graph and shown beside its name.
    await page.getByTestId('preset-menu').click();
    await page.getByTestId('graph-describe').click();
    await page.getByTestId('dialog-input').fill('bikes at dusk, gentle depth');
    await page.getByTestId('dialog-confirm').click();
    await expect.poll(() => page.getByTestId('graph-name').getAttribute('title')).toContain('bikes at dusk, gentle depth');
    await page.keyboard.press('Control+s');
    await expect.poll(name).toBe('renamed graph');
    const saved = await (await page.request.get(new URL('/api/graphs/renamed%20graph', e.url).href)).json();
    expect(saved.description).toBe('bikes at dusk, gentle depth');

    await page.getByTestId('preset-menu').click();
    await page.getByTestId('preset-delete-renamed graph').click();
    expect(await page.getByTestId('dialog-title').textContent()).toBe('Delete preset "renamed graph"?');
    await page.getByTestId('dialog-confirm').click();
    await expect.poll(presetNames).not.toContain('renamed graph');
  });

  it('Save as offers a copy of the name and refuses a built-in preset name', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-stereo', 'warp');
    await page.getByTestId('preset-menu').click();
    await page.getByTestId('preset-save-as').click();
    const input = page.getByTestId('dialog-input');
    expect(await input.inputValue()).toBe('e2e-stereo copy');
    await input.fill('e2e-decode-encode');
    expect(await page.getByTestId('dialog-problem').textContent()).toContain('built-in');
    await input.fill('stereo v2');
    await page.getByTestId('dialog-confirm').click();
    await expect.poll(name).toBe('stereo v2');
    expect(await presetNames()).toContain('stereo v2');
  });
});
