/** Toasts and the status line: where every server error ends up, with its code. */
import { ApiError } from '../api/api-error.ts';
import { update } from './editor-store.ts';

let nextId = 1;
let refusedTimer: ReturnType<typeof setTimeout> | undefined;

/** Shows an informational toast that fades by itself. */
export function notify(message: string): void {
  const id = nextId++;
  update((s) => {
    s.toasts.push({ id, kind: 'info', message });
  });
  setTimeout(() => dismissToast(id), 4000);
}

/** Shows an error toast; coded server errors keep their code and title. */
export function reportError(e: unknown, context?: string): void {
  if ((e as Error)?.name === 'AbortError') return;
  const id = nextId++;
  const prefix = context ? `${context}: ` : '';
  update((s) => {
    if (e instanceof ApiError) {
      s.toasts.push({ id, kind: 'error', code: e.code, title: e.body.title, message: prefix + e.message });
    } else {
      s.toasts.push({ id, kind: 'error', message: prefix + ((e as Error)?.message ?? String(e)) });
    }
    if (s.toasts.length > 6) s.toasts.splice(0, s.toasts.length - 6);
  });
}

/** Shows a coded error that arrived as data (a WebSocket message) rather than as a thrown ApiError. */
export function reportCoded(code: string, message: string, title?: string): void {
  const id = nextId++;
  update((s) => void s.toasts.push({ id, kind: 'error', code, title, message }));
}

export function dismissToast(id: number): void {
  update((s) => {
    s.toasts = s.toasts.filter((t) => t.id !== id);
  });
}

/** Says why a connection was refused, for a few seconds. */
export function refuseConnection(reason: string): void {
  update((s) => {
    s.connectionRefused = reason;
  });
  clearTimeout(refusedTimer);
  refusedTimer = setTimeout(() => update((s) => void (s.connectionRefused = null)), 5000);
}
