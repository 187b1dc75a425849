/** The one wording of "how to get this model file" shared by the missing-model and download errors. */
import path from 'node:path';
import type { ModelFile, ModelManifest } from './model-manifest.ts';

/**
 * Says where anelo looked and how to place the file by hand (or pull it). Each folder says what it is (the editor
 * shows messages with paths cut to their last name, and "models, models" told the user nothing).
 */
export function manualPlacementText(m: ModelManifest, f: ModelFile, searched: readonly string[], installDir: string, fromEnv: readonly string[] = []): string {
  const named = searched.map((d) => (d === installDir ? `${d} (anelo's models folder)` : fromEnv.includes(d) ? `${d} (from ANELO_MODELS_DIR)` : d));
  const where = `Searched for ${f.file} in: ${named.join(', ')}.`;
  const check = ` Its sha256 must be ${f.sha256}.`;
  if (!f.url) {
    return `${where} There is no download for "${m.id}": place ${f.file} by hand in one of those folders (or a folder listed in ANELO_MODELS_DIR).${check}`;
  }
  return (
    `${where} Run \`anelo models pull ${m.id}\`, or download ${f.url} yourself and save it as ` +
    `${path.join(installDir, f.file)} (in anelo's models folder, or in any folder listed in ANELO_MODELS_DIR, separated by "${path.delimiter}").${check}`
  );
}
