/** Where the shared test data lives: ANELO_SHARED_DIR, else ../shared beside the project. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const SHARED_DIR = process.env.ANELO_SHARED_DIR ?? path.resolve(projectRoot, '..', 'shared');

export function sharedPath(...parts: string[]): string {
  return path.join(SHARED_DIR, ...parts);
}

export function hasShared(...parts: string[]): boolean {
  return existsSync(sharedPath(...parts));
}

export const PROJECT_ROOT = projectRoot;
