import { spawnSync } from 'node:child_process';
import { mkdtempSync, promises as fs, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { currentEntryUrl, currentManifest } from '../../../../server/engine/pool/current-bundle.mjs';
import { threadBundle } from '../../../../server/engine/pool/thread-bundle.ts';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const BIN = path.join(ROOT, 'bin', 'anelo.mjs');

describe('which bundle of the sources is current', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'anelo-bundle-'));
  const root = path.join(tmp, 'project');
  const dir = path.join(tmp, 'bundles');
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  /** A project with two sources and a bundle made from them, as thread-bundle.ts writes one. */
  async function made(): Promise<void> {
    await fs.mkdir(path.join(root, 'src'), { recursive: true });
    await fs.mkdir(path.join(dir, 'b1'), { recursive: true });
    await fs.writeFile(path.join(root, 'src', 'a.ts'), 'export const a = 1;\n');
    await fs.writeFile(path.join(root, 'src', 'b.ts'), 'export const b = 2;\n');
    await fs.writeFile(path.join(dir, 'b1', 'cli.mjs'), '');
    const inputs = ['src/a.ts', 'src/b.ts'].map((f) => {
      const s = statSync(path.join(root, f));
      return [f, s.size, s.mtimeMs];
    });
    await fs.writeFile(path.join(dir, 'current.json'), JSON.stringify({ id: 'b1', root, inputs }));
  }

  it('is the one made last while every source keeps its size and mtime', async () => {
    await made();
    expect(currentManifest('cli', dir, root)?.id).toBe('b1');
    expect(currentEntryUrl('cli', dir, root)).toBe(pathToFileURL(path.join(dir, 'b1', 'cli.mjs')).href);
  });

  it('is none once a source changes, goes, or the entry is missing, or for another project folder', async () => {
    await made();
    const later = new Date(Date.now() + 5000);
    await fs.utimes(path.join(root, 'src', 'a.ts'), later, later);
    expect(currentManifest('cli', dir, root)).toBeUndefined();

    await made();
    await fs.writeFile(path.join(root, 'src', 'b.ts'), 'export const b = 22;\n');
    expect(currentManifest('cli', dir, root)).toBeUndefined();

    await made();
    await fs.rm(path.join(root, 'src', 'b.ts'));
    expect(currentManifest('cli', dir, root)).toBeUndefined();

    await made();
    expect(currentManifest('nodes', dir, root)).toBeUndefined();
    expect(currentManifest('cli', dir, path.join(tmp, 'elsewhere'))).toBeUndefined();

    await fs.writeFile(path.join(dir, 'current.json'), '{not json');
    expect(currentManifest('cli', dir, root)).toBeUndefined();
  });

  it('starts the command line from the bundle, with the output the sources give', async () => {
    expect(await threadBundle()).toBeDefined();
    expect(currentEntryUrl('cli')).toBeDefined();
    const run = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', env: { ...process.env, ...env } });
    const bundled = run(['nodes', '--json']);
    const sources = run(['nodes', '--json'], { ANELO_THREAD_BUNDLE: '0' });
    expect([bundled.status, sources.status]).toEqual([0, 0]);
    expect(JSON.parse(bundled.stdout)).toEqual(JSON.parse(sources.stdout));
    // Where the code ran from shows in an error's stack (--verbose): the bundle's files, or the sources.
    const fromBundle = run(['nosuchcommand', '--verbose']);
    const fromSources = run(['nosuchcommand', '--verbose'], { ANELO_THREAD_BUNDLE: '0' });
    expect([fromBundle.status, fromSources.status]).toEqual([1, 1]);
    expect(fromBundle.stderr).toContain('ANELO_E050_BAD_ARGUMENT');
    expect(fromBundle.stderr).toContain(`${path.sep}.cache${path.sep}anelo${path.sep}threads${path.sep}`);
    expect(fromSources.stderr).toContain(path.join('server', 'cli', 'main.ts'));
  });
});
