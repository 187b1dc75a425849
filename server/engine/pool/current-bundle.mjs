// Which bundle of the sources is current (thread-bundle.ts makes them). Plain JavaScript, so bin/anelo.mjs can ask
// before it loads tsx: a CLI started from the bundle skips compiling its TypeScript (see thread-bundle.ts).
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The project folder. */
export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
/** Where bundles live: beside the packages they import, which stay external. */
export const BUNDLE_DIR = path.join(ROOT, 'node_modules', '.cache', 'anelo', 'threads');

/**
 * The manifest ({ id, root, inputs: [file, size, mtimeMs][] }) of the last bundle made in `dir` from `root`, when
 * its entry `entry` is there and every input file still has its size and mtime; undefined otherwise.
 */
export function currentManifest(entry, dir = BUNDLE_DIR, root = ROOT) {
  let m;
  try {
    m = JSON.parse(readFileSync(path.join(dir, 'current.json'), 'utf8'));
  } catch {
    return undefined;
  }
  if (m?.root !== root || typeof m.id !== 'string' || !Array.isArray(m.inputs)) return undefined;
  if (!existsSync(path.join(dir, m.id, `${entry}.mjs`))) return undefined;
  for (const [file, size, mtime] of m.inputs) {
    let s;
    try {
      s = statSync(path.join(root, file));
    } catch {
      return undefined;
    }
    if (s.size !== size || s.mtimeMs !== mtime) return undefined;
  }
  return m;
}

/** File URL of entry `entry` of the current bundle, or undefined (none yet, or a source changed since). */
export function currentEntryUrl(entry, dir = BUNDLE_DIR, root = ROOT) {
  const m = currentManifest(entry, dir, root);
  return m ? pathToFileURL(path.join(dir, m.id, `${entry}.mjs`)).href : undefined;
}
