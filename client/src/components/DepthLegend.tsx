/** The turbo scale under a depth preview: far (blue) to near (red), as the server colours depth. */
import { turboColormap } from '../../../nodes/lib/colormap.ts';

const STOPS = 12;

/** CSS gradient sampled from the same colour map the server uses, so the legend cannot drift from the image. */
export const TURBO_GRADIENT = (() => {
  const rgb = turboColormap(Float32Array.from({ length: STOPS }, (_, i) => i / (STOPS - 1)));
  const stops = Array.from({ length: STOPS }, (_, i) => `rgb(${rgb[i * 3]},${rgb[i * 3 + 1]},${rgb[i * 3 + 2]}) ${((i / (STOPS - 1)) * 100).toFixed(1)}%`);
  return `linear-gradient(90deg, ${stops.join(', ')})`;
})();

/** Rounded for the legend: enough digits to tell two ranges apart. */
const fmt = (v: number): string => (Math.abs(v) >= 100 ? v.toFixed(0) : v.toPrecision(3));

/**
 * `range`: the depth values the colours span; `shared`: one range for both images of a compare, so equal colours
 * mean equal depth across A and B (otherwise each frame is coloured on its own range).
 */
export function DepthLegend({ range, shared, testId = 'depth-legend' }: { range?: [number, number]; shared?: boolean; testId?: string }) {
  const span = range ? ` ${fmt(range[0])} – ${fmt(range[1])}` : '';
  return (
    <div className="depth-legend" data-testid="depth-legend">
      <span>far</span>
      <div className="depth-legend__bar" style={{ background: TURBO_GRADIENT }} />
      <span>near</span>
      <span className="depth-legend__note" data-testid={`${testId}-note`} title={shared ? 'A and B are coloured on one range: the same colour is the same depth value in both' : 'Coloured on this frame\'s own range (p2–p98)'}>
        {shared ? `one scale for A and B:${span}` : `per-frame range${span}`}
      </span>
    </div>
  );
}
