/** The bar between the canvas and the viewer: drag to share the window differently, double-click to enlarge. */
import type { PointerEvent } from 'react';
import { setPanelWidth, toggleLargeView } from '../store/view-actions.ts';

export function PanelResizer() {
  const onPointerDown = (e: PointerEvent<HTMLDivElement>) => {
    e.preventDefault();
    const bar = e.currentTarget;
    bar.setPointerCapture(e.pointerId);
    const move = (ev: globalThis.PointerEvent) => setPanelWidth(window.innerWidth - ev.clientX, window.innerWidth);
    const up = () => {
      bar.removeEventListener('pointermove', move);
      bar.removeEventListener('pointerup', up);
    };
    bar.addEventListener('pointermove', move);
    bar.addEventListener('pointerup', up);
  };
  return (
    <div
      className="panel-resizer"
      role="separator"
      aria-orientation="vertical"
      aria-label="Resize the viewer"
      title="Drag to resize the viewer; double-click to enlarge"
      data-testid="panel-resizer"
      onPointerDown={onPointerDown}
      onDoubleClick={toggleLargeView}
    />
  );
}
