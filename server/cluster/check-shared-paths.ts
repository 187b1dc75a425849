/**
 * Input and output must be the same files on every machine (a shared mount at the same path). A worker checks
 * before it renders: the input has the size and time the planner saw, and the planner's marker file is visible
 * in the segment folder beside the output.
 */
import { promises as fs } from 'node:fs';
import { AneloError } from '../../nodes/core/errors.ts';
import type { SharedPathCheck } from './cluster-jobs.ts';

/** What the planner records about its input, for workers to compare against. */
export async function describeInput(file: string): Promise<SharedPathCheck['input']> {
  const st = await fs.stat(file);
  return { path: file, size: st.size, mtimeMs: Math.round(st.mtimeMs) };
}

export async function checkSharedPaths(check: SharedPathCheck, worker: string): Promise<void> {
  const help = 'input and output must be on a path every worker reaches the same way (a shared mount at the same path; see docs/cluster.md)';
  if (check.input) {
    const st = await fs.stat(check.input.path).catch(() => undefined);
    if (!st) throw new AneloError('ANELO_E141_PATH_NOT_SHARED', `worker ${worker} cannot see the input ${check.input.path}: ${help}`, { file: check.input.path });
    if (st.size !== check.input.size || Math.round(st.mtimeMs) !== check.input.mtimeMs) {
      throw new AneloError('ANELO_E141_PATH_NOT_SHARED', `worker ${worker} sees a different file at ${check.input.path} (size or time differs from the planner's): ${help}`, { file: check.input.path });
    }
  }
  const marker = await fs.stat(check.marker).catch(() => undefined);
  if (!marker) throw new AneloError('ANELO_E141_PATH_NOT_SHARED', `worker ${worker} cannot see the output folder's ${check.marker}: ${help}`, { file: check.marker });
}
