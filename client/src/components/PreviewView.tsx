/** One node's preview image, with latency, cache state, and the server's error when it fails. */
import { usePreview } from '../hooks/use-preview.ts';
import { formatMs } from '../lib/format.ts';
import { useEditor } from '../store/editor-store.ts';

export function PreviewView({ nodeId, testId }: { nodeId: string | null; testId: string }) {
  const input = useEditor((s) => s.preview.input);
  const frame = useEditor((s) => s.preview.frame);
  const fit = useEditor((s) => s.preview.fit);
  const sink = useEditor((s) => {
    const n = s.graph.nodes.find((x) => x.id === nodeId);
    return n ? s.catalogue?.[n.type]?.sink === true : false;
  });
  const p = usePreview(sink ? null : nodeId, input, frame);

  let hint: string | null = null;
  if (!input) hint = 'Choose or upload an input video.';
  else if (!nodeId) hint = 'Select a node to preview its output.';
  else if (sink) hint = 'This node writes a file: run the graph to get its output, or select the node that feeds it.';

  return (
    <div className="preview">
      <div className={`preview__stage preview__stage--${fit === 'fit' ? 'fit' : 'actual'}`}>
        {hint ? <div className="muted">{hint}</div> : p.url && <img src={p.url} alt="preview" data-testid={testId} className={p.loading ? 'is-stale' : ''} />}
        {!hint && p.error && (
          <div className="preview__error" data-testid={`${testId}-error`}>
            <strong>{p.error.code}</strong>
            <span>{p.error.message}</span>
          </div>
        )}
      </div>
      <div className="preview__meta" data-testid={`${testId}-meta`}>
        {p.loading ? 'rendering…' : p.ms !== undefined ? `${formatMs(p.ms)}${p.cached ? ' · cached' : ' · computed'}` : ''}
      </div>
    </div>
  );
}
