/** The viewer's size: a dragged panel width and the enlarged mode, remembered across reloads. */
import type { ViewLayout } from './editor-state.ts';
import { getState, update } from './editor-store.ts';

const KEY = 'anelo.editor.view.v1';
export const MIN_PANEL = 320;
/** The canvas always keeps this much room. */
export const MIN_CANVAS = 360;

function save(v: ViewLayout): void {
  try {
    localStorage.setItem(KEY, JSON.stringify(v));
  } catch {
    // Not remembered; the layout still works for this page.
  }
}

/** Restores the last layout (called once at start). */
export function restoreView(): void {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? 'null') as Partial<ViewLayout> | null;
    if (!v) return;
    update((s) => {
      if (typeof v.panelWidth === 'number' && Number.isFinite(v.panelWidth)) s.view.panelWidth = Math.max(MIN_PANEL, v.panelWidth);
      if (typeof v.large === 'boolean') s.view.large = v.large;
    });
  } catch {
    // A damaged entry is ignored.
  }
}

export function setPanelWidth(px: number, windowWidth: number): void {
  const w = Math.round(Math.max(MIN_PANEL, Math.min(px, windowWidth - MIN_CANVAS)));
  update((s) => {
    s.view.panelWidth = w;
    s.view.large = false;
  });
  save(getState().view);
}

export function toggleLargeView(): void {
  update((s) => void (s.view.large = !s.view.large));
  save(getState().view);
}
