/** `npm start` rebuilds the editor when its sources (client/, nodes/core, nodes/lib) are newer than the build. */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { clientBuildReason } from '../../../server/cli/serve-command.ts';

let root: string;
afterEach(() => rmSync(root, { recursive: true, force: true }));

function file(rel: string, ageS: number): string {
  const p = path.join(root, rel);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, 'x');
  const t = Date.now() / 1000 - ageS;
  utimesSync(p, t, t);
  return p;
}

describe('clientBuildReason', () => {
  it('builds when there is no build, rebuilds when a client or shared source changed after it, else serves it', () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'anelo-serve-'));
    const dist = path.join(root, 'dist', 'client');
    file('client/src/App.tsx', 100);
    file('nodes/core/graph-document.ts', 100);
    expect(clientBuildReason(dist, root)).toBe('editor not built yet');

    file('dist/client/index.html', 50);
    expect(clientBuildReason(dist, root)).toBeUndefined();

    file('client/src/App.tsx', 10);
    expect(clientBuildReason(dist, root)).toBe('editor sources are newer than its build');
    file('dist/client/index.html', 5);
    expect(clientBuildReason(dist, root)).toBeUndefined();

    file('nodes/lib/colormap.ts', 1);
    expect(clientBuildReason(dist, root)).toBe('editor sources are newer than its build');
  });

  it('serves the build it has when the client sources are not there (an installed copy)', () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'anelo-serve-'));
    file('dist/client/index.html', 50);
    file('nodes/core/errors.ts', 1);
    expect(clientBuildReason(path.join(root, 'dist', 'client'), root)).toBeUndefined();
  });
});
