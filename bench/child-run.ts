/** Runs bench/run-graph-child.ts in a fresh Node process (through run-graph-child.mjs) and returns what it measured. */
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { RunReport } from '../nodes/core/events.ts';
import type { ChildCpu, ChildRequest } from './run-graph-child.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface ChildResult {
  ms: number;
  maxRssMB: number;
  report: RunReport;
  cpu: ChildCpu;
}

export async function runInChild(req: ChildRequest): Promise<ChildResult> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'anelo-bench-'));
  const file = path.join(dir, 'request.json');
  await fs.writeFile(file, JSON.stringify(req));
  try {
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(here, 'run-graph-child.mjs'), file], {
      maxBuffer: 64 * 2 ** 20,
      env: process.env,
    });
    return JSON.parse(stdout.trim().split('\n').pop()!) as ChildResult;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}
