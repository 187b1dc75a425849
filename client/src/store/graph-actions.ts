/**
 * Every change to the graph goes through `editGraph`: one immer recipe, recorded as patches for undo/redo.
 * Continuous gestures pass a coalesce key and call `sealHistory` when they end.
 */
import { produceWithPatches, type Draft } from 'immer';
import type { GraphDocument } from '../../../nodes/core/graph-document.ts';
import { validateGraph } from '../../../nodes/core/validate-graph.ts';
import { record, redo as redoStep, seal, undo as undoStep } from '../lib/history.ts';
import { emptyHistory } from '../lib/history.ts';
import { getState, update } from './editor-store.ts';
import type { EditorState } from './editor-state.ts';

function afterGraphChange(s: Draft<EditorState>): void {
  const ids = new Set(s.graph.nodes.map((n) => n.id));
  s.selection.nodes = s.selection.nodes.filter((id) => ids.has(id));
  s.dirty = true;
  // Errors and badges describe the graph as it was: an edit clears them (a preview that still fails says so again).
  s.nodeErrors = {};
  const run = s.activeRunId ? s.runs[s.activeRunId] : undefined;
  if (run && run.state !== 'queued' && run.state !== 'running') s.activeRunId = null;
  // Problems from a failed save are re-checked locally so fixed ones disappear as the user edits.
  if (s.problems.length && s.catalogue) s.problems = validateGraph(s.graph as GraphDocument, s.catalogue as EditorState['catalogue'] & object);
}

/** Applies one undoable edit to the graph. */
export function editGraph(recipe: (g: Draft<GraphDocument>) => void, coalesceKey?: string): void {
  const [graph, patches, inverse] = produceWithPatches(getState().graph, recipe);
  if (patches.length === 0) return;
  update((s) => {
    s.graph = graph as Draft<GraphDocument>;
    s.history = record(s.history as EditorState['history'], patches, inverse, coalesceKey) as Draft<EditorState['history']>;
    afterGraphChange(s);
  });
}

/** Ends a slider or drag gesture so the next edit is its own undo step. */
export function sealHistory(): void {
  update((s) => {
    s.history = seal(s.history as EditorState['history']) as Draft<EditorState['history']>;
  });
}

/** Moves through history one step: the document and the stacks come from the step (patches, not snapshots). */
function applyStep(step: ReturnType<typeof undoStep>): void {
  if (!step) return;
  update((s) => {
    s.graph = step.doc as Draft<GraphDocument>;
    s.history = step.history as Draft<EditorState['history']>;
    afterGraphChange(s);
  });
}

export function undo(): void {
  const s0 = getState();
  applyStep(undoStep(s0.history, s0.graph));
}

export function redo(): void {
  const s0 = getState();
  applyStep(redoStep(s0.history, s0.graph));
}

/** Replaces the whole graph (open, import, share link); starts a fresh undo history. */
export function loadGraph(graph: GraphDocument, presetName: string | null, opts: { dirty?: boolean } = {}): void {
  update((s) => {
    s.graph = graph as Draft<GraphDocument>;
    s.presetName = presetName;
    s.dirty = opts.dirty ?? false;
    s.history = emptyHistory as Draft<EditorState['history']>;
    s.selection = { nodes: [], edges: [] };
    s.problems = [];
    s.nodeErrors = {};
    s.canvasMessage = null;
    s.graphLoads += 1;
  });
}

export function setSelection(nodes: string[], edges: string[]): void {
  update((s) => {
    s.selection = { nodes, edges };
  });
}
