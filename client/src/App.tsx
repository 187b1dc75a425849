/** The editor's layout: toolbar, palette, canvas with run bar, preview panel, and the status area. */
import { ReactFlowProvider } from '@xyflow/react';
import { Canvas } from './components/Canvas.tsx';
import { Palette } from './components/Palette.tsx';
import { PreviewPanel } from './components/PreviewPanel.tsx';
import { RunBar } from './components/RunBar.tsx';
import { StatusArea } from './components/StatusArea.tsx';
import { Toolbar } from './components/Toolbar.tsx';
import { useKeyboardShortcuts } from './hooks/use-keyboard-shortcuts.ts';
import { useServerConnection } from './hooks/use-server-connection.ts';

export function App() {
  useServerConnection();
  useKeyboardShortcuts();
  return (
    <ReactFlowProvider>
      <div className="app">
        <Toolbar />
        <div className="workspace">
          <Palette />
          <main className="center">
            <Canvas />
            <RunBar />
          </main>
          <PreviewPanel />
        </div>
        <StatusArea />
      </div>
    </ReactFlowProvider>
  );
}
