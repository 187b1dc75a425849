/** Chooses the input video from GET /api/media, or uploads one (file picker, or drop a video on the panel). */
import { sampleAspectRatio } from '../../../nodes/core/sample-aspect.ts';
import { formatMb } from '../lib/format.ts';
import { useEditor } from '../store/editor-store.ts';
import { setPreview, uploadMedia } from '../store/media-actions.ts';
import { FilePickerButton } from './FilePickerButton.tsx';

export function MediaPicker() {
  const media = useEditor((s) => s.media);
  const input = useEditor((s) => s.preview.input);
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
        {/* Named as well as video/*: some systems type .ts as a translation file and .mts as something else. */}
        <FilePickerButton accept="video/*,.mkv,.mp4,.mov,.webm,.m4v,.avi,.ts,.m2ts,.mts,.mpg,.mpeg,.vob,.mxf,.flv,.wmv,.3gp,.ogv" onFile={(f) => void uploadMedia(f)} testId="media-upload" inputTestId="media-file">
          Upload…
        </FilePickerButton>
      </div>
      {info && (
        <div className="muted small" data-testid="media-info">
          {info.width}×{info.height}
          {info.sampleAspect ? ` (pixels ${info.sampleAspect}, shown ${Math.round(info.width * sampleAspectRatio(info.sampleAspect))}×${info.height})` : ''} · {info.fps.toFixed(info.fps % 1 ? 2 : 0)} fps · {info.frameCount} frames · {info.durationS.toFixed(1)} s ·{' '}
          {formatMb(info.sizeBytes)}
          {info.hasAudio ? ' · audio' : ''}
          {info.hdr && (
            <span data-testid="media-hdr" title="The render stays HDR. Depth, cuts, motion, edges and these previews see the picture tone-mapped to SDR.">
              {' · '}HDR ({info.hdr === 'pq' ? 'PQ' : 'HLG'}), previews tone-mapped
            </span>
          )}
        </div>
      )}
    </div>
  );
}
