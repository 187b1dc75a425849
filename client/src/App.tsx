/** The editor's layout: toolbar, palette, canvas (with the status area's toasts) and run bar, a resizable viewer panel. */
import { ReactFlowProvider } from '@xyflow/react';
import { AppDialog } from './components/AppDialog.tsx';
import { Canvas } from './components/Canvas.tsx';
import { Palette } from './components/Palette.tsx';
import { PanelResizer } from './components/PanelResizer.tsx';
import { PreviewPanel } from './components/PreviewPanel.tsx';
import { RunBar } from './components/RunBar.tsx';
import { Toolbar } from './components/Toolbar.tsx';
import { useKeyboardShortcuts } from './hooks/use-keyboard-shortcuts.ts';
import { usePrepareGraph } from './hooks/use-prepare-graph.ts';
import { useServerConnection } from './hooks/use-server-connection.ts';
import { useEditor } from './store/editor-store.ts';

export function App() {
  useServerConnection();
  useKeyboardShortcuts();
  usePrepareGraph();
  const view = useEditor((s) => s.view);
  return (
    <ReactFlowProvider>
      <div className="app">
        <Toolbar />
        <div className={`workspace${view.large ? ' is-large' : ''}`}>
          <Palette />
          <main className="center">
            <Canvas />
            <RunBar />
          </main>
          <PanelResizer />
          <PreviewPanel width={view.large ? undefined : view.panelWidth} />
        </div>
        <AppDialog />
      </div>
    </ReactFlowProvider>
  );
}
