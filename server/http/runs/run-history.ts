/**
 * Finished and pending runs kept in one JSON file in the server's data folder, so the editor's Runs panel
 * survives reloads and restarts. Written atomically (temp file + rename) and one write at a time, so a crash
 * leaves the previous history, never half a file. A run that was queued or running when the server stopped
 * is read back as failed with E170.
 */
import { promises as fs, readFileSync } from 'node:fs';
import path from 'node:path';
import { AneloError } from '../../../nodes/core/errors.ts';
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import { ensureDir } from '../../fs/ensure-dir.ts';
import { isFinished, type RunStatus } from './run-status.ts';

/** A run as the history keeps it: its status, the graph as the editor sent it (no server paths) and its range. */
export interface RunRecord {
  status: RunStatus & { graphName?: string };
  graph: GraphDocument;
  frames?: { start: number; end?: number };
}

const FORMAT = 1;

export class RunHistory {
  private writing: Promise<void> = Promise.resolve();

  constructor(readonly file: string) {}

  /** The stored runs, oldest first; an unreadable or damaged file reads as no history. */
  load(): RunRecord[] {
    let parsed: { format?: number; runs?: RunRecord[] };
    try {
      parsed = JSON.parse(readFileSync(this.file, 'utf8'));
    } catch {
      return [];
    }
    if (parsed?.format !== FORMAT || !Array.isArray(parsed.runs)) return [];
    return parsed.runs.filter((r) => r && r.status && typeof r.status.id === 'string' && r.graph).map(interrupted);
  }

  /**
   * Queues a write of `runs`; resolves when it (and every earlier one) is done. A failed write (disk full) leaves
   * the previous file in place; the next change writes everything again.
   */
  save(runs: RunRecord[]): Promise<void> {
    const text = `${JSON.stringify({ format: FORMAT, runs })}\n`;
    this.writing = this.writing.then(() => this.write(text)).catch(() => undefined);
    return this.writing;
  }

  private async write(text: string): Promise<void> {
    await ensureDir(path.dirname(this.file));
    const tmp = path.join(path.dirname(this.file), `.${path.basename(this.file)}.${process.pid}.tmp`);
    await fs.writeFile(tmp, text);
    await fs.rename(tmp, this.file);
  }
}

function interrupted(r: RunRecord): RunRecord {
  if (isFinished(r.status.state)) return r;
  const error = new AneloError('ANELO_E170_RUN_INTERRUPTED', `run ${r.status.id} was ${r.status.state} when the server stopped; re-run it`).toJSON();
  return { ...r, status: { ...r.status, state: 'error', error, endedAt: r.status.endedAt ?? r.status.startedAt ?? r.status.createdAt } };
}
