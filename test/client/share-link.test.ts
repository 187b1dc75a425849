import { describe, expect, it } from 'vitest';
import { decodeGraph, encodeGraph, sharedGraphParam, shareUrl } from '../../client/src/lib/share-link.ts';
import { pipeline } from './catalogue-fixture.ts';

describe('share links', () => {
  it('round-trips a graph through #g= with URL-safe characters only', async () => {
    const graph = { ...pipeline(), name: 'tuned — ünïcode' };
    const text = await encodeGraph(graph);
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(await decodeGraph(text)).toEqual(graph);
  });

  it('compresses repetitive graphs below their JSON size', async () => {
    const graph = pipeline();
    expect((await encodeGraph(graph)).length).toBeLessThan(JSON.stringify(graph).length);
  });

  it('finds the graph in a page URL and ignores other fragments', async () => {
    const url = await shareUrl(pipeline(), 'http://localhost:7878/#old');
    expect(url.startsWith('http://localhost:7878/#g=')).toBe(true);
    const param = sharedGraphParam(new URL(url).hash)!;
    expect(await decodeGraph(param)).toEqual(pipeline());
    expect(sharedGraphParam('#something')).toBeUndefined();
  });

  it('rejects damaged links', async () => {
    await expect(decodeGraph('not-a-graph')).rejects.toThrow();
  });
});
