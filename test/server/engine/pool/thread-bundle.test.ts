import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { NODE_DEFINITIONS } from '../../../../nodes/index.ts';
import { META_URL, threadBundle } from '../../../../server/engine/pool/thread-bundle.ts';

describe('the worker threads’ bundle', () => {
  afterEach(() => {
    delete process.env.ANELO_THREAD_BUNDLE;
  });

  it('holds the node tasks, the depth task and the shipped nodes, as the sources define them', async () => {
    const b = await threadBundle();
    expect(b).toBeDefined();
    for (const url of [b!.nodeTasks, b!.depthTasks, b!.nodes]) expect(existsSync(fileURLToPath(url))).toBe(true);
    expect(b!.nodesSource).toBe(new URL('../../../../nodes/index.ts', import.meta.url).href);
    const bundled = (await import(b!.nodes)) as { NODE_DEFINITIONS: { type: string; version: number }[] };
    expect(bundled.NODE_DEFINITIONS.map((d) => [d.type, d.version])).toEqual(NODE_DEFINITIONS.map((d) => [d.type, d.version]));
    const tasks = (await import(b!.nodeTasks)) as Record<string, unknown>;
    expect(Object.keys(tasks)).toEqual(expect.arrayContaining(['runNode', 'digestChunk', 'renderPreviewRgb']));
  });

  it('gives every module its own URL, also in the bundle\'s own copy of the code that makes bundles', async () => {
    const b = await threadBundle();
    const dir = path.dirname(fileURLToPath(b!.nodes));
    // A module left reading its URL would look for its files (spawn-broker-process.mjs) beside the bundle.
    for (const f of readdirSync(dir)) expect(readFileSync(path.join(dir, f), 'utf8').includes(META_URL), f).toBe(false);
    // The bundled bundler still rewrites the expression, so a bundle made by a process started from the bundle (the
    // sources changed while it ran) is as good: its search text came through the bundling unchanged.
    const texts = readdirSync(dir).map((f) => readFileSync(path.join(dir, f), 'utf8'));
    expect(texts.filter((t) => t.includes('anelo-module-urls'))).toHaveLength(1);
    expect(texts.find((t) => t.includes('anelo-module-urls'))).toContain(`["import", "meta", "url"].join(".")`);
  });

  it('is not used when ANELO_THREAD_BUNDLE=0 (threads load the sources through tsx)', async () => {
    process.env.ANELO_THREAD_BUNDLE = '0';
    expect(await threadBundle()).toBeUndefined();
  });
});
