/** The shipped list of known models (`models/registry.json`), checked against the manifest schema once. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { AneloError } from '../../nodes/core/errors.ts';
import { parseManifest, type ModelManifest } from './model-manifest.ts';
import { PROJECT_MODELS_DIR } from './model-dirs.ts';

export const REGISTRY_FILE = path.join(PROJECT_MODELS_DIR, 'registry.json');

let cached: ModelManifest[] | undefined;

/** Reads and validates a registry file (an array of manifests). */
export function readRegistry(file = REGISTRY_FILE): ModelManifest[] {
  if (file === REGISTRY_FILE && cached) return cached;
  const raw: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (!Array.isArray(raw)) throw new AneloError('ANELO_E042_MODEL_MANIFEST', `${file} must hold an array of model manifests`, { file });
  const entries = raw.map((m, i) => parseManifest(m, `${file} [${i}]`));
  if (file === REGISTRY_FILE) cached = entries;
  return entries;
}
