/** Asks before a modified graph is replaced (open, import, share link, dropped file, New). */
import { askConfirm } from './dialog-actions.ts';
import { getState } from './editor-store.ts';

/** The name the editor shows for the graph: the preset it came from, else its own name, else "untitled". */
export function graphTitle(): string {
  const s = getState();
  return s.presetName ?? s.graph.name ?? 'untitled';
}

/** True when the graph may be replaced: it has no unsaved changes, or the user chose to discard them. */
export async function mayReplaceGraph(by: string): Promise<boolean> {
  const s = getState();
  if (!s.dirty || s.graph.nodes.length === 0) return true;
  return askConfirm({
    title: 'Discard unsaved changes?',
    message: `"${graphTitle()}" has changes that are not saved. ${by} replaces it. Save first (Ctrl+S) to keep them.`,
    confirmLabel: 'Discard and continue',
    danger: true,
  });
}
