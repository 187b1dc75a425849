import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkSharedPaths, describeInput } from '../../../server/cluster/check-shared-paths.ts';

let dir: string;
let input: string;
let marker: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-shared-check-'));
  input = path.join(dir, 'clip.mp4');
  marker = path.join(dir, 'render.json');
  await fs.writeFile(input, 'not really a video');
  await fs.writeFile(marker, '{}');
});
afterAll(() => fs.rm(dir, { recursive: true, force: true }));

describe('checkSharedPaths', () => {
  it('passes when the worker sees the planner’s input and marker', async () => {
    await expect(checkSharedPaths({ input: await describeInput(input), marker }, 'w1:1')).resolves.toBeUndefined();
  });

  it('a missing input, a different file at its path, or an invisible output folder is ANELO_E141 naming the worker and path', async () => {
    const seen = (await describeInput(input))!;
    await expect(checkSharedPaths({ input: { ...seen, path: path.join(dir, 'elsewhere.mp4') }, marker }, 'w1:1')).rejects.toMatchObject({
      code: 'ANELO_E141_PATH_NOT_SHARED',
      message: expect.stringMatching(/^worker w1:1 cannot see the input .*elsewhere\.mp4/),
    });
    await expect(checkSharedPaths({ input: { ...seen, size: seen.size + 1 }, marker }, 'w2:2')).rejects.toMatchObject({
      code: 'ANELO_E141_PATH_NOT_SHARED',
      message: expect.stringMatching(/^worker w2:2 sees a different file at .*clip\.mp4/),
    });
    await expect(checkSharedPaths({ marker: path.join(dir, 'nope', 'render.json') }, 'w3:3')).rejects.toMatchObject({
      code: 'ANELO_E141_PATH_NOT_SHARED',
      message: expect.stringContaining('worker w3:3 cannot see the output folder'),
    });
  });
});
