/** Chooses the input video from GET /api/media, or uploads one (file picker, or drop a video on the panel). */
import { useRef } from 'react';
import { formatMb } from '../lib/format.ts';
import { useEditor } from '../store/editor-store.ts';
import { setPreview, uploadMedia } from '../store/media-actions.ts';

export function MediaPicker() {
  const media = useEditor((s) => s.media);
  const input = useEditor((s) => s.preview.input);
  const fileRef = useRef<HTMLInputElement>(null);
  const info = media.find((m) => m.name === input);

  return (
    <div className="media-picker">
      <div className="row">
        <select value={input ?? ''} onChange={(e) => setPreview({ input: e.target.value || null, frame: 0 })} data-testid="media-select">
          {media.length === 0 && <option value="">No media yet</option>}
          {media.map((m) => (
            <option key={m.name} value={m.name}>
              {m.name}
              {m.sample ? ' (sample)' : ''}
            </option>
          ))}
        </select>
        <button type="button" onClick={() => fileRef.current?.click()} data-testid="media-upload">
          Upload…
        </button>
        <input
          ref={fileRef}
          type="file"
          accept="video/*,.mkv,.mp4,.mov,.webm"
          hidden
          data-testid="media-file"
          onChange={(e) => {
            const f = e.target.files?.[0];
            e.target.value = '';
            if (f) void uploadMedia(f);
          }}
        />
      </div>
      {info && (
        <div className="muted small" data-testid="media-info">
          {info.width}×{info.height} · {info.fps.toFixed(info.fps % 1 ? 2 : 0)} fps · {info.frameCount} frames · {info.durationS.toFixed(1)} s ·{' '}
          {formatMb(info.sizeBytes)}
          {info.hasAudio ? ' · audio' : ''}
        </div>
      )}
    </div>
  );
}
