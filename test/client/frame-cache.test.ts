import { afterEach, describe, expect, it, vi } from 'vitest';
import { FrameCache, frameKey } from '../../client/src/lib/frame-cache.ts';
import { fitBox } from '../../client/src/lib/fit-box.ts';

const revoked: string[] = [];
vi.stubGlobal('URL', { ...URL, revokeObjectURL: (u: string) => revoked.push(u) });
afterEach(() => void (revoked.length = 0));

const frame = (url: string, bytes: number) => ({ url, bytes, ms: 5, cached: false, full: true });

describe('frame cache', () => {
  it('keeps recent frames within its byte budget, evicting the least recently used and revoking its URL', () => {
    const c = new FrameCache(300);
    c.set('a', frame('blob:a', 100));
    c.set('b', frame('blob:b', 100));
    c.set('c', frame('blob:c', 100));
    expect(c.get('a')?.url).toBe('blob:a'); // a is now the most recent
    c.set('d', frame('blob:d', 100));
    expect(c.get('b')).toBeUndefined();
    expect(revoked).toEqual(['blob:b']);
    expect([c.get('a'), c.get('c'), c.get('d')].map((f) => f?.url)).toEqual(['blob:a', 'blob:c', 'blob:d']);
  });

  it('keys frames by clip, node, frame, resolution and upstream state', () => {
    const k = frameKey('clip.mp4', 'warp', 'up1', 10, true);
    expect(k).not.toBe(frameKey('clip.mp4', 'warp', 'up1', 10, false));
    expect(k).not.toBe(frameKey('clip.mp4', 'warp', 'up2', 10, true));
    expect(k).not.toBe(frameKey('clip.mp4', 'warp', 'up1', 11, true));
    expect(k).toBe(frameKey('clip.mp4', 'warp', 'up1', 10, true));
  });
});

describe('fit box', () => {
  it('fits a wide stereo frame to the width and centres it vertically', () => {
    expect(fitBox(1000, 600, 1280 / 272)).toEqual({ left: 0, top: 194, width: 1000, height: 213 });
  });

  it('fits a tall image to the height and centres it horizontally; nothing for an unknown aspect', () => {
    expect(fitBox(1000, 500, 1)).toEqual({ left: 250, top: 0, width: 500, height: 500 });
    expect(fitBox(1000, 500, 0)).toEqual({ left: 0, top: 0, width: 0, height: 0 });
  });
});
