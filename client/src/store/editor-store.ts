/**
 * The editor's single store: a small external store read with useSyncExternalStore. State is immutable
 * (immer), so selectors can return parts of it by reference and components re-render only when those change.
 */
import { produce, type Draft } from 'immer';
import { useSyncExternalStore } from 'react';
import { initialState, type EditorState } from './editor-state.ts';

type Listener = () => void;

let state: EditorState = initialState;
const listeners = new Set<Listener>();

/** The current state. */
export function getState(): EditorState {
  return state;
}

/** Replaces the state through an immer recipe (or a function returning the next state) and notifies. */
export function update(recipe: (draft: Draft<EditorState>) => void | EditorState): void {
  const next = produce(state, recipe) as EditorState;
  if (next === state) return;
  state = next;
  for (const l of listeners) l();
}

export function subscribe(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/** Reads a slice of the store; `select` must return stored values (or primitives), not fresh objects. */
export function useEditor<T>(select: (s: EditorState) => T): T {
  return useSyncExternalStore(subscribe, () => select(state), () => select(state));
}
