/** What the API reports about a run (docs/api.md `RunStatus`). */
import type { AneloErrorJson } from '../../../nodes/core/errors.ts';
import type { RunReport } from '../../engine/events.ts';

export type RunState = 'queued' | 'running' | 'done' | 'error' | 'cancelled';

export interface RunStatus {
  id: string;
  state: RunState;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  target?: string;
  /** Media name the run reads. */
  input: string;
  /** Output file names (in the outputs folder) the run wrote. */
  outputs: string[];
  report?: RunReport;
  error?: AneloErrorJson;
}

export const isFinished = (s: RunState): boolean => s === 'done' || s === 'error' || s === 'cancelled';
