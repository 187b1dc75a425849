/**
 * Undo/redo over immer patches. Each entry holds the patches of one user step and their inverse; edits that
 * share a coalesce key (one slider drag, one node drag) within a short gap merge into one step until sealed.
 */
import { applyPatches, enablePatches, type Patch } from 'immer';

enablePatches();

export interface HistoryEntry {
  patches: Patch[];
  inverse: Patch[];
  /** Continuous gestures set a key; undefined means the step is closed to merging. */
  key?: string;
  at: number;
}

export interface History {
  past: HistoryEntry[];
  future: HistoryEntry[];
}

/** Edits with the same key closer together than this merge into one step. */
export const COALESCE_MS = 1000;
const LIMIT = 300;

export const emptyHistory: History = { past: [], future: [] };

/** Adds a step (or merges it into the last one when it continues the same gesture); clears redo. */
export function record(h: History, patches: Patch[], inverse: Patch[], key?: string, now = Date.now()): History {
  if (patches.length === 0) return h;
  const last = h.past[h.past.length - 1];
  if (key !== undefined && last && last.key === key && now - last.at <= COALESCE_MS) {
    const merged: HistoryEntry = { patches: [...last.patches, ...patches], inverse: [...inverse, ...last.inverse], key, at: now };
    return { past: [...h.past.slice(0, -1), merged], future: [] };
  }
  const past = [...h.past, { patches, inverse, key, at: now }];
  return { past: past.length > LIMIT ? past.slice(past.length - LIMIT) : past, future: [] };
}

/** Ends the current gesture: the next edit starts a new step even with the same key. */
export function seal(h: History): History {
  const last = h.past[h.past.length - 1];
  if (!last || last.key === undefined) return h;
  return { ...h, past: [...h.past.slice(0, -1), { ...last, key: undefined }] };
}

/** Steps back once; undefined when there is nothing to undo. */
export function undo<T extends object>(h: History, doc: T): { history: History; doc: T } | undefined {
  const last = h.past[h.past.length - 1];
  if (!last) return undefined;
  return {
    doc: applyPatches(doc, last.inverse),
    history: { past: h.past.slice(0, -1), future: [{ ...last, key: undefined }, ...h.future] },
  };
}

/** Steps forward once; undefined when there is nothing to redo. */
export function redo<T extends object>(h: History, doc: T): { history: History; doc: T } | undefined {
  const next = h.future[0];
  if (!next) return undefined;
  return { doc: applyPatches(doc, next.patches), history: { past: [...h.past, next], future: h.future.slice(1) } };
}
