/**
 * Window-wide keys: Ctrl/Cmd+Z undo, Ctrl/Cmd+Shift+Z and Ctrl+Y redo, Ctrl+S save, Ctrl+Enter render, Ctrl+A
 * select all nodes, Ctrl+C / Ctrl+V / Ctrl+D copy, paste and duplicate nodes, Ctrl+B bypass them, ←/→ step the previewed frame (Shift:
 * 10 frames). None of them act while typing in a field, where the field's own keys win; arrows also leave focused
 * form controls (sliders, selects) alone.
 */
import { useEffect } from 'react';
import { copySelection, duplicateSelection, paste } from '../store/clipboard-actions.ts';
import { getState } from '../store/editor-store.ts';
import { redo, setSelection, undo } from '../store/graph-actions.ts';
import { inputFrameCount, setPreview } from '../store/media-actions.ts';
import { toggleBypass } from '../store/node-actions.ts';
import { savePreset } from '../store/preset-actions.ts';
import { startRun } from '../store/run-actions.ts';

function typing(t: EventTarget | null): boolean {
  const el = t as HTMLElement | null;
  if (!el) return false;
  if (el.isContentEditable) return true;
  if (el.tagName === 'TEXTAREA') return true;
  return el.tagName === 'INPUT' && !['range', 'checkbox', 'button'].includes((el as HTMLInputElement).type);
}

function formControl(t: EventTarget | null): boolean {
  const tag = (t as HTMLElement | null)?.tagName;
  return tag === 'INPUT' || tag === 'SELECT' || tag === 'TEXTAREA';
}

function stepFrame(by: number): void {
  const last = Math.max(0, inputFrameCount() - 1);
  const f = getState().preview.frame;
  setPreview({ frame: Math.max(0, Math.min(last, f + by)) });
}

function onCtrlKey(e: KeyboardEvent): boolean {
  const k = e.key.toLowerCase();
  if (k === 'z' && !e.shiftKey) undo();
  else if ((k === 'z' && e.shiftKey) || k === 'y') redo();
  else if (k === 's') void savePreset();
  else if (k === 'enter') void startRun();
  else if (k === 'a') setSelection(getState().graph.nodes.map((n) => n.id), []);
  else if (k === 'c' && !window.getSelection()?.toString()) return copySelection();
  else if (k === 'v') paste();
  else if (k === 'd') duplicateSelection();
  else if (k === 'b') toggleBypass(getState().selection.nodes);
  else return false;
  return true;
}

export function useKeyboardShortcuts(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (getState().dialog || typing(e.target)) return;
      let handled = false;
      if (e.ctrlKey || e.metaKey) handled = onCtrlKey(e);
      else if ((e.key === 'ArrowLeft' || e.key === 'ArrowRight') && !e.altKey && !formControl(e.target)) {
        stepFrame((e.key === 'ArrowLeft' ? -1 : 1) * (e.shiftKey ? 10 : 1));
        handled = true;
      }
      if (handled) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
