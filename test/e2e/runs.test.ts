/**
 * The Runs panel: two renders queued from the run bar run in turn, the history survives a reload and a server
 * restart with state, frames, duration and outputs; a past run is re-run, re-opened and deleted; with the server
 * gone, Run is disabled and the bar says why.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeCutShortClip, writeDamagedClip } from '../helpers/bad-media.ts';
import { CLIP, startE2E, type E2E } from './harness.ts';
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

const items = () => e.page.locator('[data-testid^="run-item-"]');
const states = () => items().evaluateAll((els) => els.map((el) => el.getAttribute('data-state')));
const api = async (path: string) => (await e.page.request.get(new URL(path, e.url).href)).json();

/** Uploads a file `make` writes (under `name`), selects it and opens the decode → encode preset. */
async function uploadMade(name: string, make: (file: string) => Promise<string>): Promise<void> {
  const { page } = e;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'anelo-e2e-upload-'));
  try {
    const clip = await make(path.join(dir, name));
    await page.getByTestId('media-file').setInputFiles({ name, mimeType: 'video/mp4', buffer: readFileSync(clip) });
    await expect.poll(() => page.getByTestId('media-select').inputValue(), { timeout: 30_000 }).toBe(name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  await openPreset(page, 'e2e-decode-encode', 'decode');
}

describe('the Runs panel', () => {
  it('queues a second render while the first runs; both finish in turn and are listed with frames, duration and outputs', async () => {
    const { page } = e;
    await openPreset(page, 'e2e-decode-encode', 'decode');
    await page.getByTestId('run-start').fill('0');
    await page.getByTestId('run-end').fill('60');
    await page.getByTestId('run').click();
    // While the first is going the button queues.
    await expect.poll(() => page.getByTestId('run').textContent()).toMatch(/Queue|Run/);
    await page.getByTestId('run').click();
    await expect.poll(() => items().count()).toBe(2);
    await expect.poll(states, { timeout: 60_000 }).toEqual(['done', 'done']);

    const { runs } = await api('/api/runs');
    const [second, first] = runs as { startedAt: string; endedAt: string; graphName: string }[];
    expect(Date.parse(second.startedAt)).toBeGreaterThanOrEqual(Date.parse(first.endedAt));
    expect(first.graphName).toBe('e2e-decode-encode');
    const text = await items().first().textContent();
    expect(text).toContain('e2e-decode-encode');
    expect(text).toMatch(/frames 0–60 \(60\)/);
    expect(text).toMatch(/\d+ ms|\d\.\d\d s/);
    expect(await page.locator('[data-testid^="output-link-"]').count()).toBe(2);
    await page.getByTestId('output-video').waitFor();
    await e.shot('runs-panel');
  });

  it('keeps the history across a reload and a server restart', async () => {
    const { page } = e;
    const before = await items().evaluateAll((els) => els.map((el) => el.getAttribute('data-testid')));
    await e.restart();
    await page.reload();
    await openEditor(page, e.url);
    await expect.poll(() => items().evaluateAll((els) => els.map((el) => el.getAttribute('data-testid')))).toEqual(before);
    expect(await states()).toEqual(['done', 'done']);
    const link = page.locator('[data-testid^="output-link-"]').first();
    const res = await page.request.get(new URL((await link.getAttribute('href')) ?? '', e.url).href);
    expect(res.status()).toBe(200);
    expect(res.headers()['content-type']).toBe('video/mp4');
  });

  it('re-runs a past graph, re-opens it on the canvas, and deletes a run with its output', async () => {
    const { page } = e;
    const oldest = items().last();
    const oldestId = ((await oldest.getAttribute('data-testid')) ?? '').replace('run-item-', '');
    await page.getByTestId(`run-rerun-${oldestId}`).click();
    await expect.poll(() => items().count()).toBe(3);
    await expect.poll(states, { timeout: 60_000 }).toEqual(['done', 'done', 'done']);
    expect(await items().first().textContent()).toMatch(/frames 0–60/);

    await openPreset(page, 'e2e-stereo', 'warp');
    await page.getByTestId(`run-open-${oldestId}`).click();
    await expect.poll(() => page.getByTestId('graph-name').textContent()).toBe('e2e-decode-encode •');

    const name = (await oldest.locator('[data-testid^="output-link-"]').getAttribute('download')) ?? '';
    await page.getByTestId(`run-delete-${oldestId}`).click();
    await page.getByTestId('dialog-confirm').click();
    await expect.poll(() => items().count()).toBe(2);
    expect((await page.request.get(new URL(`/api/outputs/${name}`, e.url).href)).status()).toBe(404);
  });

  it('shows what a render worked around: a damaged upload renders, and its run says which frames ffmpeg concealed', async () => {
    const { page } = e;
    await uploadMade('damaged.mp4', async (file) => writeDamagedClip(file));
    const before = await items().count();
    await page.getByTestId('run').click();
    await expect.poll(() => items().count()).toBe(before + 1);
    await expect.poll(() => items().first().getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
    const id = ((await items().first().getAttribute('data-testid')) ?? '').replace('run-item-', '');
    const warnings = page.getByTestId(`run-warnings-${id}`);
    await expect.poll(() => warnings.textContent()).toMatch(/ANELO_E038_NODE_WARNING \(node decode\): ffmpeg reported \d+ decode error\(s\) in frames \d+\.\.\d+ of damaged\.mp4/);
    // The run bar says so too, next to the run's state.
    expect(await page.getByTestId('run-warning-count').textContent()).toMatch(/^⚠ 1 warning \(see Runs\)$/);
    // The server's own folders are not shown: the file is named, not where it lives.
    expect(await warnings.textContent()).not.toContain(os.tmpdir());
    await e.shot('run-warnings');
    await page.getByTestId('media-select').selectOption(CLIP);
  });

  it('a render of a file cut short fails on the decode node with where the video stops and what to set; set, it renders', async () => {
    const { page } = e;
    await uploadMade('cut.mp4', (file) => writeCutShortClip(file));
    const before = await items().count();
    await page.getByTestId('run').click();
    await expect.poll(() => items().count()).toBe(before + 1);
    await expect.poll(() => items().first().getAttribute('data-state'), { timeout: 60_000 }).toBe('error');
    // On the node, whole, in the words a failed preview's error is shown in.
    const onNode = (await page.getByTestId('node-run-error-decode').textContent()) ?? '';
    const m = /^ANELO_E012_DECODE_FAILED: cut\.mp4 has no frame \d+: its video stops at frame (\d+), .* set the End frame of node "decode" to (\d+) /.exec(onNode);
    expect(m, onNode).not.toBeNull();
    expect(m![2]).toBe(m![1]);
    // And in the Runs panel, all of it (it used to be cut to one line, the advice lost).
    const id = ((await items().first().getAttribute('data-testid')) ?? '').replace('run-item-', '');
    const inPanel = page.getByTestId(`run-error-${id}`);
    expect(await inPanel.textContent()).toBe(onNode);
    const box = await inPanel.boundingBox();
    expect(box!.height).toBeGreaterThan(30);
    await e.shot('run-cut-short');
    await page.getByTestId('param-decode-end').fill(m![1]);
    await page.getByTestId('param-decode-end').press('Enter');
    await page.getByTestId('run').click();
    await expect.poll(() => items().count()).toBe(before + 2);
    await expect.poll(() => items().first().getAttribute('data-state'), { timeout: 60_000 }).toBe('done');
    expect(await items().first().textContent()).toContain(`(${m![1]})`);
    expect(await page.getByTestId('node-run-error-decode').count()).toBe(0);
    await page.getByTestId('param-decode-end').fill('0');
    await page.getByTestId('param-decode-end').press('Enter');
    await page.getByTestId('media-select').selectOption(CLIP);
  });

  it('disables Run and says so while the server is unreachable, and enables it when it is back', async () => {
    const { page } = e;
    await e.app.close();
    await expect.poll(() => page.getByTestId('socket-state').textContent(), { timeout: 20_000 }).toMatch(/offline|connecting/);
    await page.getByTestId('offline').waitFor({ timeout: 20_000 });
    expect(await page.getByTestId('run').isDisabled()).toBe(true);
    expect(await page.getByTestId('run').getAttribute('title')).toContain('not reachable');
    await e.shot('offline');
    await e.restart();
    await expect.poll(() => page.getByTestId('socket-state').textContent(), { timeout: 20_000 }).toBe('live');
    expect(await page.getByTestId('run').isEnabled()).toBe(true);
  });
});
