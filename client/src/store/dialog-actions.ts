/**
 * In-app dialogs as promises: `askConfirm` resolves true/false, `askText` the entered text or null. One dialog
 * at a time; a second request cancels the first. Replaces the browser's prompt()/confirm(), which block the page
 * and cannot be styled or checked as the user types.
 */
import type { DialogSpec } from './editor-state.ts';
import { getState, update } from './editor-store.ts';

type Pending = { resolve: (v: string | boolean | null) => void; validate?: (v: string) => string | undefined };

let nextId = 1;
let pending: Pending | undefined;

function open(spec: Omit<DialogSpec, 'id'>, p: Pending): void {
  pending?.resolve(spec.kind === 'prompt' ? null : false);
  pending = p;
  update((s) => void (s.dialog = { ...spec, id: nextId++ }));
}

function close(value: string | boolean | null): void {
  const p = pending;
  pending = undefined;
  update((s) => void (s.dialog = null));
  p?.resolve(value);
}

export function askConfirm(spec: { title: string; message?: string; confirmLabel: string; danger?: boolean }): Promise<boolean> {
  return new Promise((resolve) => open({ kind: 'confirm', ...spec }, { resolve: (v) => resolve(v === true) }));
}

export function askText(spec: { title: string; message?: string; label: string; value: string; confirmLabel: string; validate?: (v: string) => string | undefined }): Promise<string | null> {
  const { validate, ...rest } = spec;
  return new Promise((resolve) => open({ kind: 'prompt', ...rest }, { resolve: (v) => resolve(typeof v === 'string' ? v : null), validate }));
}

/** The problem with a prompt's text as typed, if any (shown under the field; the confirm button waits). */
export function dialogProblem(value: string): string | undefined {
  return pending?.validate?.(value);
}

export function confirmDialog(value?: string): void {
  const d = getState().dialog;
  if (!d) return;
  if (d.kind === 'prompt') {
    const v = value ?? '';
    if (dialogProblem(v)) return;
    close(v);
  } else close(true);
}

export function cancelDialog(): void {
  if (getState().dialog) close(getState().dialog?.kind === 'prompt' ? null : false);
}
