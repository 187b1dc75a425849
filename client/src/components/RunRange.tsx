/** Which frames a run renders: empty boxes mean the whole clip, so a quick test render is two numbers away. */
import { setPreview } from '../store/media-actions.ts';
import { useEditor } from '../store/editor-store.ts';

function parse(text: string): number | null {
  const n = Number(text);
  return text.trim() === '' || !Number.isInteger(n) || n < 0 ? null : n;
}

export function RunRange() {
  const start = useEditor((s) => s.preview.runStart);
  const end = useEditor((s) => s.preview.runEnd);
  const frameCount = useEditor((s) => s.media.find((m) => m.name === s.preview.input)?.frameCount ?? 0);
  const bad = start !== null && end !== null && end <= start;
  return (
    <label className={`run-range${bad ? ' is-bad' : ''}`} title="Frames to render: from (inclusive) to (exclusive); empty renders the whole clip">
      frames
      <input type="number" min={0} max={frameCount} placeholder="0" value={start ?? ''} data-testid="run-start" onChange={(e) => setPreview({ runStart: parse(e.target.value) })} />
      –
      <input type="number" min={1} max={frameCount} placeholder={String(frameCount || 'end')} value={end ?? ''} data-testid="run-end" onChange={(e) => setPreview({ runEnd: parse(e.target.value) })} />
    </label>
  );
}
