/** Frame slider over the input's frames (0..frameCount-1) with the time code and the clip's scene cuts marked. */
import { useSceneCuts } from '../hooks/use-scene-cuts.ts';
import { useEditor } from '../store/editor-store.ts';
import { setPreview } from '../store/media-actions.ts';
import { CutMarks } from './CutMarks.tsx';

function timecode(frame: number, fps: number): string {
  const t = fps > 0 ? frame / fps : 0;
  const m = Math.floor(t / 60);
  return `${m}:${(t - m * 60).toFixed(2).padStart(5, '0')}`;
}

export function FrameScrubber() {
  const frame = useEditor((s) => s.preview.frame);
  const info = useEditor((s) => s.media.find((m) => m.name === s.preview.input));
  const last = Math.max(0, (info?.frameCount ?? 1) - 1);
  const set = (f: number) => setPreview({ frame: Math.max(0, Math.min(last, Math.round(f))) });
  const cuts = useSceneCuts(info ? info.name : null);

  return (
    <div className="scrubber">
      <button type="button" onClick={() => set(frame - 1)} disabled={!info || frame <= 0} aria-label="Previous frame" data-testid="frame-prev">
        ◀
      </button>
      <div className="scrubber__track">
        <CutMarks cuts={cuts} last={last} onJump={set} />
        <input type="range" min={0} max={last} step={1} value={Math.min(frame, last)} disabled={!info} onChange={(e) => set(Number(e.target.value))} data-testid="frame-scrubber" />
      </div>
      <button type="button" onClick={() => set(frame + 1)} disabled={!info || frame >= last} aria-label="Next frame" data-testid="frame-next">
        ▶
      </button>
      <input type="number" className="scrubber__num" min={0} max={last} value={frame} disabled={!info} onChange={(e) => set(Number(e.target.value))} data-testid="frame-number" />
      <span className="muted small scrubber__tc">
        / {last} · {timecode(frame, info?.fps ?? 0)}
      </span>
    </div>
  );
}
