/** What the API reports about a run (docs/api.md `RunStatus`). */
import type { RunState } from '../../../nodes/core/api-types.ts';

export type { RunState, RunStatus } from '../../../nodes/core/api-types.ts';

export const isFinished = (s: RunState): boolean => s === 'done' || s === 'error' || s === 'cancelled';
