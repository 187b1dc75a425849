/** Where model files are looked for: ANELO_MODELS_DIR (a path list), then the project's own `models/` folder. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project's `models/` folder (registry.json lives there; weights placed there are gitignored). */
export const PROJECT_MODELS_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'models');

/** Search order: each entry of ANELO_MODELS_DIR (split on path.delimiter, resolved from the cwd), then `projectDir`. */
export function modelSearchDirs(env: NodeJS.ProcessEnv = process.env, projectDir = PROJECT_MODELS_DIR): string[] {
  const fromEnv = (env.ANELO_MODELS_DIR ?? '')
    .split(path.delimiter)
    .map((d) => d.trim())
    .filter((d) => d.length > 0)
    .map((d) => path.resolve(d));
  const dirs = [...fromEnv, path.resolve(projectDir)];
  return dirs.filter((d, i) => dirs.indexOf(d) === i);
}
