/** Everything the editor knows, in one plain object owned by the editor store. */
import type { Catalogue } from '../../../nodes/core/catalogue.ts';
import { GRAPH_SCHEMA_VERSION, type GraphDocument } from '../../../nodes/core/graph-document.ts';
import type { GraphProblem } from '../../../nodes/core/validate-graph.ts';
import type { GraphListing, MediaInfo, ModelListing, RunListing } from '../api/api-types.ts';
import { emptyHistory, type History } from '../lib/history.ts';
import type { RunView } from '../lib/run-progress.ts';

export interface Toast {
  id: number;
  kind: 'error' | 'info';
  code?: string;
  title?: string;
  message: string;
}

/**
 * A model the server is loading: `count` loads under way (two sessions of one model), since when (ms), and whether
 * it has lasted long enough to be shown (a load that ends within a blink is not flashed on the node).
 */
export interface ModelLoad {
  count: number;
  since: number;
  shown: boolean;
}

export type ModelPull = { state: 'pulling'; bytes: number; total: number } | { state: 'error'; code: string; message: string };

export interface PreviewSettings {
  input: string | null;
  frame: number;
  fit: 'fit' | '1:1';
  compare: boolean;
  compareMode: 'side' | 'split';
  compareA: string | null;
  compareB: string | null;
  /** How a stereo frame is shown: as packed by its layout, as a red/cyan anaglyph, or wiggling between the eyes. */
  stereoView: 'packed' | 'anaglyph' | 'wiggle';
  /** Frames [runStart, runEnd) a run renders; null = from the first / to the last frame. */
  runStart: number | null;
  runEnd: number | null;
}

/** An in-app dialog waiting for the user (its resolver lives in dialog-actions.ts). */
export interface DialogSpec {
  id: number;
  kind: 'confirm' | 'prompt';
  title: string;
  message?: string;
  /** Prompt: the field's label and starting value. */
  label?: string;
  value?: string;
  confirmLabel: string;
  /** The confirm button reads as destructive (discard, delete). */
  danger?: boolean;
}

/** A wire being dragged from a handle: which ports it may land on. */
export interface ConnectDrag {
  kind: 'source' | 'target';
  nodeId: string;
  port: string;
  types: string[];
}

/** The node search opened by a wire dropped on empty canvas (or the context menu): where, and what it must connect to. */
export interface NodeSearchSpec {
  screen: { x: number; y: number };
  flow: { x: number; y: number };
  from?: ConnectDrag;
}

/** A right-click menu on a node or on the empty canvas. */
export interface ContextMenuSpec {
  screen: { x: number; y: number };
  flow: { x: number; y: number };
  nodeId?: string;
}

/** How the window is shared between the canvas and the viewer. */
export interface ViewLayout {
  /** Width of the viewer panel in px when not enlarged. */
  panelWidth: number;
  /** The viewer takes most of the window (the canvas keeps a narrow strip). */
  large: boolean;
}

export interface EditorState {
  graph: GraphDocument;
  /** Preset the graph was opened from or last saved as; null for an unsaved graph. */
  presetName: string | null;
  dirty: boolean;
  history: History;
  selection: { nodes: string[]; edges: string[] };
  catalogue: Catalogue | null;
  models: ModelListing[];
  modelPulls: Record<string, ModelPull>;
  /** Depth models the server is loading for inference now, by model id, from `model-load` messages. */
  modelLoads: Record<string, ModelLoad>;
  media: MediaInfo[];
  presets: GraphListing[];
  runs: Record<string, RunView>;
  /** Every run the server knows, newest first: the Runs panel (history survives reloads and restarts). */
  runList: RunListing[];
  activeRunId: string | null;
  /** Figures each node reported at the end of its last run (agreement, flicker before/after), kept across edits. */
  nodeStats: Record<string, { stats: Record<string, number>; runId: string }>;
  /** Problems reported by the server (or re-checked locally), shown next to nodes and fields. */
  problems: GraphProblem[];
  /** Preview errors per node, shown on the node. */
  nodeErrors: Record<string, string>;
  preview: PreviewSettings;
  view: ViewLayout;
  toasts: Toast[];
  dialog: DialogSpec | null;
  connectDrag: ConnectDrag | null;
  nodeSearch: NodeSearchSpec | null;
  contextMenu: ContextMenuSpec | null;
  connectionRefused: string | null;
  /** Shown on the empty canvas, e.g. when no default preset exists. */
  canvasMessage: string | null;
  socket: 'connecting' | 'open' | 'closed';
  ready: boolean;
  /** Counts whole-graph loads (open, import, share link) so the canvas can fit the new graph in view. */
  graphLoads: number;
}

export function emptyGraph(): GraphDocument {
  return { schemaVersion: GRAPH_SCHEMA_VERSION, nodes: [], edges: [] };
}

export const initialState: EditorState = {
  graph: emptyGraph(),
  presetName: null,
  dirty: false,
  history: emptyHistory,
  selection: { nodes: [], edges: [] },
  catalogue: null,
  models: [],
  modelPulls: {},
  modelLoads: {},
  media: [],
  presets: [],
  runs: {},
  runList: [],
  activeRunId: null,
  nodeStats: {},
  problems: [],
  nodeErrors: {},
  preview: { input: null, frame: 0, fit: 'fit', compare: false, compareMode: 'split', compareA: null, compareB: null, stereoView: 'packed', runStart: null, runEnd: null },
  view: { panelWidth: 520, large: false },
  toasts: [],
  dialog: null,
  connectDrag: null,
  nodeSearch: null,
  contextMenu: null,
  connectionRefused: null,
  canvasMessage: null,
  socket: 'connecting',
  ready: false,
  graphLoads: 0,
};
