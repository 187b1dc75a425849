/** The turbo scale under a depth preview: far (blue) to near (red), as the server colours depth. */
import { turboColormap } from '../../../nodes/lib/colormap.ts';

const STOPS = 12;

/** CSS gradient sampled from the same colour map the server uses, so the legend cannot drift from the image. */
export const TURBO_GRADIENT = (() => {
  const rgb = turboColormap(Float32Array.from({ length: STOPS }, (_, i) => i / (STOPS - 1)));
  const stops = Array.from({ length: STOPS }, (_, i) => `rgb(${rgb[i * 3]},${rgb[i * 3 + 1]},${rgb[i * 3 + 2]}) ${((i / (STOPS - 1)) * 100).toFixed(1)}%`);
  return `linear-gradient(90deg, ${stops.join(', ')})`;
})();

export function DepthLegend({ note }: { note?: string }) {
  return (
    <div className="depth-legend" data-testid="depth-legend">
      <span>far</span>
      <div className="depth-legend__bar" style={{ background: TURBO_GRADIENT }} />
      <span>near</span>
      {note && <span className="depth-legend__note">{note}</span>}
    </div>
  );
}
