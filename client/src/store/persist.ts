/**
 * Keeps the working graph in localStorage (debounced), so a reload restores unsaved work. A share link
 * still wins over it on load.
 */
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import { getState, subscribe } from './editor-store.ts';

const KEY = 'anelo.editor.graph.v1';
const DELAY_MS = 400;

export interface StoredGraph {
  graph: GraphDocument;
  presetName: string | null;
  dirty: boolean;
}

/** The graph stored by an earlier session, if any. */
export function readStoredGraph(): StoredGraph | undefined {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return undefined;
    const v = JSON.parse(raw) as StoredGraph;
    return v && typeof v === 'object' && v.graph && Array.isArray(v.graph.nodes) ? v : undefined;
  } catch {
    return undefined;
  }
}

function write(s: StoredGraph): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(s));
  } catch {
    // Storage full or disabled: the graph still lives in memory and can be saved as a preset.
  }
}

/** Starts writing the graph whenever it changes; returns a function that stops it. */
export function startPersisting(): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let pending: StoredGraph | undefined;
  let last = getState().graph;
  let lastName = getState().presetName;
  let lastDirty = getState().dirty;
  const flush = (): void => {
    clearTimeout(timer);
    if (pending) write(pending);
    pending = undefined;
  };
  const unsubscribe = subscribe(() => {
    const s = getState();
    if (s.graph === last && s.presetName === lastName && s.dirty === lastDirty) return;
    last = s.graph;
    lastName = s.presetName;
    lastDirty = s.dirty;
    pending = { graph: s.graph, presetName: s.presetName, dirty: s.dirty };
    clearTimeout(timer);
    timer = setTimeout(flush, DELAY_MS);
  });
  // A reload or a closed tab within the debounce delay must not lose the last edit.
  window.addEventListener('pagehide', flush);
  return () => {
    flush();
    window.removeEventListener('pagehide', flush);
    unsubscribe();
  };
}
