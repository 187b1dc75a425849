import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ffmpegPath } from '../../../server/media/ffmpeg-paths.ts';
import { sharedPath } from '../../helpers/shared-data.ts';
import { buildTestApp, DECODE_ENCODE, multipart, waitForRun, type TestApp } from './test-app.ts';

let t: TestApp | undefined;
afterEach(() => t?.close());

const uploads = (): string[] => {
  try {
    return readdirSync(path.join(t!.dataDir, 'uploads'));
  } catch {
    return [];
  }
};

describe('media', () => {
  it('lists the sample clips with their probe info, read-only', async () => {
    t = await buildTestApp();
    const { media } = (await t.app.inject({ url: '/api/media' })).json();
    expect(media).toEqual(
      expect.arrayContaining([{ name: 'carphone-176x144.mp4', sample: true, sizeBytes: 588804, width: 176, height: 144, fps: expect.closeTo(29.97, 2), frameCount: 120, durationS: expect.any(Number), hasAudio: false, sampleAspect: '128:117' }]),
    );
    const del = await t.app.inject({ method: 'DELETE', url: '/api/media/carphone-176x144.mp4' });
    expect(del.statusCode).toBe(409);
  });

  it('accepts a real clip under a sanitised name, lists it first, and deletes it', async () => {
    t = await buildTestApp();
    const clip = readFileSync(sharedPath('media', 'carphone-176x144.mp4'));
    const res = await t.app.inject({ method: 'POST', url: '/api/media', ...multipart('file', '../../my clip?.MP4', clip) });
    expect(res.statusCode).toBe(201);
    expect(res.json().media).toMatchObject({ name: 'my clip_.mp4', sample: false, width: 176, height: 144, frameCount: 120 });
    expect(uploads()).toEqual(['my clip_.mp4']);
    const again = await t.app.inject({ method: 'POST', url: '/api/media', ...multipart('file', 'my clip?.mp4', clip) });
    expect(again.json().media.name).toBe('my clip_-2.mp4');
    const { media } = (await t.app.inject({ url: '/api/media' })).json();
    expect(media.slice(0, 2).map((m: { name: string }) => m.name)).toEqual(['my clip_-2.mp4', 'my clip_.mp4']);
    expect((await t.app.inject({ method: 'DELETE', url: '/api/media/my%20clip_.mp4' })).statusCode).toBe(204);
    expect(uploads()).toEqual(['my clip_-2.mp4']);
  });

  it('refuses to delete a file a run still reads (409 E074 naming the run), and deletes it once the run has finished', async () => {
    t = await buildTestApp();
    const clip = readFileSync(sharedPath('media', 'carphone-176x144.mp4'));
    expect((await t.app.inject({ method: 'POST', url: '/api/media', ...multipart('file', 'mine.mp4', clip) })).statusCode).toBe(201);
    const run = await t.app.inject({ method: 'POST', url: '/api/runs', payload: { graph: DECODE_ENCODE, input: 'mine.mp4' } });
    const { runId } = run.json() as { runId: string };
    // Deleted under it, the run failed at its encoder (which opens the source again for the audio), its error
    // quoting the server path of the upload.
    const del = await t.app.inject({ method: 'DELETE', url: '/api/media/mine.mp4' });
    expect([del.statusCode, del.json().error.code]).toEqual([409, 'ANELO_E074_MEDIA_IN_USE']);
    expect(del.json().error.message).toBe(`"mine.mp4" is being rendered (run ${runId}): cancel the run, or delete the file once it has finished`);
    expect(uploads()).toEqual(['mine.mp4']);
    expect(await waitForRun(t.app, runId)).toMatchObject({ state: 'done' });
    expect((await t.app.inject({ method: 'DELETE', url: '/api/media/mine.mp4' })).statusCode).toBe(204);
    expect(uploads()).toEqual([]);
  });

  it('names an HDR clip\'s transfer, so the editor can say its previews are tone-mapped', async () => {
    t = await buildTestApp();
    const file = path.join(os.tmpdir(), `anelo-hlg-${process.pid}.mp4`);
    execFileSync(ffmpegPath(), ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc=s=64x48:r=25:d=0.4', '-c:v', 'libx264', '-preset', 'ultrafast', '-colorspace', 'bt2020nc', '-color_primaries', 'bt2020', '-color_trc', 'arib-std-b67', file]);
    const clip = readFileSync(file);
    rmSync(file);
    const res = await t.app.inject({ method: 'POST', url: '/api/media', ...multipart('file', 'hlg.mp4', clip) });
    expect(res.statusCode).toBe(201);
    expect(res.json().media).toMatchObject({ name: 'hlg.mp4', hdr: 'hlg' });
    const { media } = (await t.app.inject({ url: '/api/media' })).json();
    expect(media.find((m: { name: string }) => m.name === 'hlg.mp4').hdr).toBe('hlg');
  });

  it('refuses a file that is not a video with 415 E011 and keeps nothing', async () => {
    t = await buildTestApp();
    const res = await t.app.inject({ method: 'POST', url: '/api/media', ...multipart('file', 'notes.mp4', 'just some text, not a video\n'.repeat(100)) });
    expect([res.statusCode, res.json().error.code]).toEqual([415, 'ANELO_E011_NOT_A_VIDEO']);
    expect(uploads()).toEqual([]);
  });

  it('refuses an upload over the size limit with 413 E071 and removes the partial file', async () => {
    t = await buildTestApp({ uploadLimitBytes: 64 * 1024 });
    const clip = readFileSync(sharedPath('media', 'carphone-176x144.mp4'));
    const res = await t.app.inject({ method: 'POST', url: '/api/media', ...multipart('file', 'big.mp4', clip) });
    expect([res.statusCode, res.json().error.code]).toEqual([413, 'ANELO_E071_MEDIA_TOO_LARGE']);
    expect(uploads()).toEqual([]);
  });

  it('answers bad requests with coded 4xx errors', async () => {
    t = await buildTestApp();
    const notMultipart = await t.app.inject({ method: 'POST', url: '/api/media', payload: { file: 'x' } });
    expect([notMultipart.statusCode, notMultipart.json().error.code]).toEqual([400, 'ANELO_E052_BAD_REQUEST']);
    const wrongField = await t.app.inject({ method: 'POST', url: '/api/media', ...multipart('video', 'a.mp4', 'x') });
    expect([wrongField.statusCode, wrongField.json().error.code]).toEqual([400, 'ANELO_E052_BAD_REQUEST']);
    const missing = await t.app.inject({ method: 'DELETE', url: '/api/media/nothing.mp4' });
    expect([missing.statusCode, missing.json().error.code]).toEqual([404, 'ANELO_E070_MEDIA_NOT_FOUND']);
    for (const raw of ['..%2F..%2Fetc%2Fpasswd', '%2Fetc%2Fpasswd', '..%5Cx', '.hidden']) {
      const res = await t.app.inject({ method: 'DELETE', url: `/api/media/${raw}` });
      expect([res.statusCode, res.json().error.code]).toEqual([400, 'ANELO_E072_MEDIA_NAME']);
    }
  });
});
