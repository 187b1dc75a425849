/** Two nodes' outputs at the same frame: side by side, or overlaid with a draggable split. */
import { useState } from 'react';
import { usePreview } from '../hooks/use-preview.ts';
import { formatMs } from '../lib/format.ts';
import { useEditor } from '../store/editor-store.ts';
import { setPreview } from '../store/media-actions.ts';
import { NodeSelect } from './NodeSelect.tsx';
import { PreviewView } from './PreviewView.tsx';

function SplitView({ a, b }: { a: string | null; b: string | null }) {
  const input = useEditor((s) => s.preview.input);
  const frame = useEditor((s) => s.preview.frame);
  const pa = usePreview(a, input, frame);
  const pb = usePreview(b, input, frame);
  const [split, setSplit] = useState(50);
  return (
    <div className="preview">
      <div className="split" data-testid="compare-split">
        {pb.url && <img src={pb.url} alt="B" data-testid="preview-image-b" />}
        {pa.url && <img src={pa.url} alt="A" data-testid="preview-image-a" className="split__top" style={{ clipPath: `inset(0 ${100 - split}% 0 0)` }} />}
        <div className="split__line" style={{ left: `${split}%` }} />
        <input type="range" className="split__range" min={0} max={100} value={split} onChange={(e) => setSplit(Number(e.target.value))} data-testid="compare-split-slider" aria-label="Split" />
      </div>
      <div className="preview__meta">
        A {pa.error ? `${pa.error.code}: ${pa.error.message}` : pa.ms !== undefined ? formatMs(pa.ms) : '…'} · B{' '}
        {pb.error ? `${pb.error.code}: ${pb.error.message}` : pb.ms !== undefined ? formatMs(pb.ms) : '…'}
      </div>
    </div>
  );
}

export function CompareView() {
  const { compareA, compareB, compareMode } = useEditor((s) => s.preview);
  return (
    <div className="compare">
      <div className="compare__pick">
        <NodeSelect value={compareA} onChange={(v) => setPreview({ compareA: v })} testId="compare-a" label="A" />
        <NodeSelect value={compareB} onChange={(v) => setPreview({ compareB: v })} testId="compare-b" label="B" />
        <div className="seg">
          <button type="button" className={compareMode === 'split' ? 'is-on' : ''} onClick={() => setPreview({ compareMode: 'split' })} data-testid="compare-mode-split">
            split
          </button>
          <button type="button" className={compareMode === 'side' ? 'is-on' : ''} onClick={() => setPreview({ compareMode: 'side' })} data-testid="compare-mode-side">
            side by side
          </button>
        </div>
      </div>
      {compareMode === 'split' ? (
        <SplitView a={compareA} b={compareB} />
      ) : (
        <div className="compare__side">
          <PreviewView nodeId={compareA} testId="preview-image-a" />
          <PreviewView nodeId={compareB} testId="preview-image-b" />
        </div>
      )}
    </div>
  );
}
