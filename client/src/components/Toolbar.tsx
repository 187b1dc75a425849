/** The top bar: the graph menu and its name (click to rename), undo/redo, share, export/import, and the server connection state. */
import { useEditor } from '../store/editor-store.ts';
import { redo, undo } from '../store/graph-actions.ts';
import { exportGraph, importGraphFile, renameGraph } from '../store/preset-actions.ts';
import { FilePickerButton } from './FilePickerButton.tsx';
import { PresetMenu } from './PresetMenu.tsx';
import { ShareButton } from './ShareButton.tsx';

export function Toolbar() {
  const canUndo = useEditor((s) => s.history.past.length > 0);
  const canRedo = useEditor((s) => s.history.future.length > 0);
  const name = useEditor((s) => s.presetName ?? s.graph.name ?? 'untitled');
  const dirty = useEditor((s) => s.dirty);
  const description = useEditor((s) => s.graph.description);
  const socket = useEditor((s) => s.socket);

  return (
    <header className="toolbar">
      <div className="brand">
        anelo<span className="brand__sub">stereo studio</span>
      </div>
      <PresetMenu />
      <button type="button" className="toolbar__doc" onClick={() => void renameGraph()} title={`${description ? `${description}\n` : ''}${dirty ? 'Unsaved changes · ' : ''}click to rename`} data-testid="graph-name">
        {name}
        {dirty ? ' •' : ''}
      </button>
      {description && (
        <span className="toolbar__desc muted small" data-testid="graph-description" title={description}>
          {description}
        </span>
      )}
      <div className="toolbar__group">
        <button type="button" onClick={undo} disabled={!canUndo} data-testid="undo" title="Undo (Ctrl+Z)">
          ↶ Undo
        </button>
        <button type="button" onClick={redo} disabled={!canRedo} data-testid="redo" title="Redo (Ctrl+Shift+Z / Ctrl+Y)">
          ↷ Redo
        </button>
      </div>
      <div className="toolbar__group">
        <button type="button" onClick={exportGraph} data-testid="export-graph" title="Download the graph as .json">
          Export
        </button>
        <FilePickerButton accept=".json,application/json" onFile={(f) => void importGraphFile(f)} testId="import-graph" inputTestId="import-file" title="Load a graph .json (or drop it on the canvas)">
          Import
        </FilePickerButton>
        <ShareButton />
      </div>
      <div className="toolbar__spacer" />
      <span className={`socket socket--${socket}`} data-testid="socket-state" title="Live events from the server">
        {socket === 'open' ? 'live' : socket === 'connecting' ? 'connecting…' : 'offline'}
      </span>
    </header>
  );
}
