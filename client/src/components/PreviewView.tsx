/**
 * One node's preview image, drawn as large as the stage allows: depth maps (computed at the model's resolution)
 * are stretched back to the video's aspect ratio and get a near/far legend; other images keep their own aspect.
 */
import { useRef, useState } from 'react';
import { useElementSize } from '../hooks/use-element-size.ts';
import { usePreview } from '../hooks/use-preview.ts';
import { fitBox } from '../lib/fit-box.ts';
import { formatMs } from '../lib/format.ts';
import { modelsLoadingFor } from '../lib/model-loading.ts';
import { useEditor } from '../store/editor-store.ts';
import { withDefaults } from '../../../nodes/core/param-schema.ts';
import type { StereoLayout } from '../../../nodes/core/types.ts';
import { eyesOf } from '../lib/stereo-eyes.ts';
import { setPreview } from '../store/media-actions.ts';
import { DepthLegend } from './DepthLegend.tsx';
import { StereoCanvas } from './StereoCanvas.tsx';

/** `shareScaleWith`: in a compare, the other node; two depth images are then coloured on one range. */
export function PreviewView({ nodeId, testId, label, shareScaleWith }: { nodeId: string | null; testId: string; label?: string; shareScaleWith?: string | null }) {
  const input = useEditor((s) => s.preview.input);
  const frame = useEditor((s) => s.preview.frame);
  const fit = useEditor((s) => s.preview.fit);
  const media = useEditor((s) => s.media.find((m) => m.name === s.preview.input));
  const kind = useEditor((s) => {
    const n = s.graph.nodes.find((x) => x.id === nodeId);
    const d = n ? s.catalogue?.[n.type] : undefined;
    if (!d) return 'none';
    if (n?.bypass) return 'bypassed';
    if (d.sink) return 'sink';
    return d.outputs[0]?.types.includes('depth') ? 'depth' : 'image';
  });
  const stereoView = useEditor((s) => s.preview.stereoView);
  // A stereo node's packing, from its params (the frames it previews are packed that way).
  const layout = useEditor((s) => {
    const n = s.graph.nodes.find((x) => x.id === nodeId);
    const d = n ? s.catalogue?.[n.type] : undefined;
    const l = n && d && 'layout' in (d.params.properties ?? {}) ? withDefaults(d.params, n.params).layout : undefined;
    return typeof l === 'string' ? (l as StereoLayout) : undefined;
  });
  // Models the server is loading that this preview waits on (named in the meta line instead of "rendering…").
  const loadingModels = useEditor((s) => modelsLoadingFor(s.graph, nodeId, s.catalogue, s.modelLoads, s.models).join(', '));
  const p = usePreview(kind === 'sink' || kind === 'bypassed' ? null : nodeId, input, frame, shareScaleWith);
  const stageRef = useRef<HTMLDivElement>(null);
  const stage = useElementSize(stageRef);
  const [natural, setNatural] = useState<{ w: number; h: number } | null>(null);

  let hint: string | null = null;
  if (!input) hint = 'Choose or upload an input video.';
  else if (!nodeId) hint = 'Select a node to preview its output.';
  else if (kind === 'bypassed') hint = 'This node is bypassed: select the node that feeds it, or enable it again (Ctrl+B).';
  else if (kind === 'sink') hint = 'This node writes a file: run the graph to get its output, or select the node that feeds it.';

  const depth = kind === 'depth';
  const eyes = layout && natural ? eyesOf(layout, natural.w, natural.h) : undefined;
  const flat = eyes && stereoView !== 'packed' ? stereoView : undefined;
  const aspect = depth && media ? media.width / media.height : flat && eyes ? eyes.aspect : natural ? natural.w / natural.h : 0;
  const box = fitBox(stage.width, stage.height, aspect);
  const imgStyle = fit === 'fit' ? { left: box.left, top: box.top, width: box.width, height: box.height } : undefined;

  return (
    <div className="preview">
      <div ref={stageRef} className={`preview__stage preview__stage--${fit === 'fit' ? 'fit' : 'actual'}`} data-testid={`${testId}-stage`}>
        {hint ? (
          <div className="muted">{hint}</div>
        ) : (
          p.url && (
            <img
              src={p.url}
              alt={label ?? 'preview'}
              data-testid={testId}
              data-low={p.low ? '1' : '0'}
              data-depth-range={p.depthRange?.join(',')}
              data-depth-scale={p.depthRange ? (p.sharedScale ? 'shared' : 'own') : undefined}
              className={p.loading ? 'is-stale' : ''}
              style={flat ? { ...imgStyle, visibility: 'hidden' } : imgStyle}
              onLoad={(e) => setNatural({ w: e.currentTarget.naturalWidth, h: e.currentTarget.naturalHeight })}
            />
          )
        )}
        {!hint && flat && p.url && <StereoCanvas url={p.url} layout={layout!} mode={flat} style={imgStyle} testId={`${testId}-stereo`} />}
        {label && <span className="preview__label">{label}</span>}
        {!hint && p.error && (
          <div className="preview__error" data-testid={`${testId}-error`}>
            <strong>{p.error.code}</strong>
            <span>{p.error.message}</span>
          </div>
        )}
      </div>
      <div className="preview__foot">
        {eyes && !hint && (
          <div className="seg" role="group" aria-label="Stereo view" title="Judge depth on a flat screen: red/cyan glasses, or the eyes alternating">
            {(['packed', 'anaglyph', 'wiggle'] as const).map((m) => (
              <button type="button" key={m} className={stereoView === m ? 'is-on' : ''} onClick={() => setPreview({ stereoView: m })} data-testid={`stereo-view-${m}`}>
                {m === 'packed' ? layout : m}
              </button>
            ))}
          </div>
        )}
        {depth && !hint && <DepthLegend range={p.depthRange} shared={p.sharedScale} testId={`${testId}-legend`} />}
        <div className="preview__meta" data-testid={`${testId}-meta`}>
          {p.loading && loadingModels ? `loading ${loadingModels}…` : p.loading && !p.url ? 'rendering…' : p.ms !== undefined ? `${formatMs(p.ms)}${p.local ? ' · cached in the page' : p.cached ? ' · cached' : ' · computed'}${p.low ? ' · low-res' : ''}` : ''}
        </div>
      </div>
    </div>
  );
}
