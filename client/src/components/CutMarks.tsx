/**
 * Scene cuts as ticks along the frame scrubber, each a button that jumps to the first frame of its shot. While the
 * server is still finding them, a thin bar shows how far it has got.
 */
import type { SceneCuts } from '../api/api-client.ts';

/** Half the width of the range input's thumb: where frame 0 and the last frame sit inside the input. */
const THUMB_HALF_PX = 8;

const at = (frame: number, last: number): string => `calc(${THUMB_HALF_PX}px + (100% - ${2 * THUMB_HALF_PX}px) * ${last > 0 ? frame / last : 0})`;

export function CutMarks({ cuts, last, onJump }: { cuts: SceneCuts | null; last: number; onJump: (frame: number) => void }) {
  if (!cuts || cuts.state === 'error') return null;
  const busy = cuts.state !== 'done';
  const title = busy ? `finding scene cuts… ${cuts.frameCount ? Math.round((100 * cuts.done) / cuts.frameCount) : 0} %` : `${cuts.cuts.length} scene cut${cuts.cuts.length === 1 ? '' : 's'}`;
  return (
    <div className="cut-marks" data-testid="cut-marks" data-state={cuts.state} title={title}>
      {busy && <div className="cut-marks__progress" style={{ width: at(cuts.done, cuts.frameCount - 1) }} />}
      {cuts.cuts.map((f) => (
        <button type="button" key={f} className="cut-marks__mark" style={{ left: at(f, last) }} onClick={() => onJump(f)} title={`cut at frame ${f}: jump to it`} aria-label={`Scene cut at frame ${f}`} data-testid={`cut-mark-${f}`} data-frame={f} />
      ))}
    </div>
  );
}
