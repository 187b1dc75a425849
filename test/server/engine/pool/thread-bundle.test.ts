import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { NODE_DEFINITIONS } from '../../../../nodes/index.ts';
import { threadBundle } from '../../../../server/engine/pool/thread-bundle.ts';

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

  it('is not used when ANELO_THREAD_BUNDLE=0 (threads load the sources through tsx)', async () => {
    process.env.ANELO_THREAD_BUNDLE = '0';
    expect(await threadBundle()).toBeUndefined();
  });
});
