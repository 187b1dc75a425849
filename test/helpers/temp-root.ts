/**
 * Vitest global setup: every test run gets one temp folder of its own (TMPDIR, which `os.tmpdir()` and the child
 * processes tests start read), removed when the run ends. Tests make folders for caches, models, clips and
 * browser profiles, and not every one of them can remove its own when a test fails or a child is killed: a
 * developer's /tmp gathered thousands of `anelo-*` folders.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export default function setup(): () => void {
  const root = mkdtempSync(path.join(os.tmpdir(), 'anelo-test-run-'));
  // Open to every user as /tmp is (sticky): some tests run the CLI as an unprivileged user, whose tsx cache goes here.
  chmodSync(root, 0o1777);
  const before = process.env.TMPDIR;
  process.env.TMPDIR = root;
  return () => {
    if (before === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = before;
    rmSync(root, { recursive: true, force: true });
  };
}
