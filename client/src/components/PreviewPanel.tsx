/** The viewer panel: input media, the selected node's output at a frame (or two nodes compared), and the runs. */
import type { DragEvent } from 'react';
import { useEditor } from '../store/editor-store.ts';
import { setPreview, uploadMedia } from '../store/media-actions.ts';
import { toggleLargeView } from '../store/view-actions.ts';
import { CompareView } from './CompareView.tsx';
import { FrameScrubber } from './FrameScrubber.tsx';
import { MediaPicker } from './MediaPicker.tsx';
import { PreviewView } from './PreviewView.tsx';
import { RunsPanel } from './RunsPanel.tsx';

export function PreviewPanel({ width }: { width?: number }) {
  const preview = useEditor((s) => s.preview);
  const large = useEditor((s) => s.view.large);
  const selected = useEditor((s) => s.selection.nodes[0] ?? null);
  const label = useEditor((s) => {
    const n = s.graph.nodes.find((x) => x.id === selected);
    return n ? (n.label ?? s.catalogue?.[n.type]?.label ?? n.type) : null;
  });

  const onDrop = (e: DragEvent) => {
    const f = e.dataTransfer.files[0];
    if (!f || f.name.toLowerCase().endsWith('.json')) return;
    e.preventDefault();
    void uploadMedia(f);
  };

  return (
    <aside className="side-panel" style={width !== undefined ? { width } : undefined} data-testid="preview-panel" onDragOver={(e) => e.preventDefault()} onDrop={onDrop}>
      <section className="panel-section">
        <h2>Input</h2>
        <MediaPicker />
      </section>
      <section className="panel-section panel-section--grow">
        <div className="panel-head">
          <h2>Preview</h2>
          <span className="panel-head__node" data-testid="preview-node">
            {preview.compare ? 'compare' : (label ?? 'select a node')}
          </span>
          <label className="check">
            <input type="checkbox" checked={preview.compare} onChange={(e) => setPreview({ compare: e.target.checked })} data-testid="compare-toggle" /> Compare
          </label>
          <div className="seg" role="group" aria-label="Zoom">
            {(['fit', '1:1'] as const).map((f) => (
              <button type="button" key={f} className={preview.fit === f ? 'is-on' : ''} onClick={() => setPreview({ fit: f })} data-testid={`preview-fit-${f === 'fit' ? 'fit' : '1to1'}`}>
                {f}
              </button>
            ))}
          </div>
          <button type="button" className={large ? 'is-on' : ''} onClick={toggleLargeView} data-testid="preview-enlarge" title="Give the viewer most of the window (double-click the divider)">
            {large ? '⤡ Shrink' : '⤢ Enlarge'}
          </button>
        </div>
        {preview.compare ? <CompareView /> : <PreviewView nodeId={selected} testId="preview-image" />}
        <FrameScrubber />
      </section>
      <RunsPanel />
    </aside>
  );
}
