/** Toasts and the status line: where every server error ends up, with its code. */
import { ApiError } from '../api/api-error.ts';
import type { Toast } from './editor-state.ts';
import { update } from './editor-store.ts';

let nextId = 1;
/** Errors stay long enough to read (and copy); the × closes them sooner. */
const ERROR_MS = 12_000;
const INFO_MS = 4000;
let refusedTimer: ReturnType<typeof setTimeout> | undefined;

/** Shows an informational toast that fades by itself. */
export function notify(message: string): void {
  const id = nextId++;
  update((s) => {
    // The same notice again (a graph opened twice) replaces the one still shown, as errors do, and stays its time.
    s.toasts = s.toasts.filter((x) => !(x.kind === 'info' && x.message === message));
    s.toasts.push({ id, kind: 'info', message });
  });
  setTimeout(() => dismissToast(id), INFO_MS);
}

/** Adds an error toast; the same message again replaces the old one instead of piling up. */
function pushError(t: Omit<Toast, 'id' | 'kind'>): void {
  const id = nextId++;
  update((s) => {
    s.toasts = s.toasts.filter((x) => !(x.kind === 'error' && x.code === t.code && x.message === t.message));
    s.toasts.push({ id, kind: 'error', ...t });
    if (s.toasts.length > 4) s.toasts.splice(0, s.toasts.length - 4);
  });
  setTimeout(() => dismissToast(id), ERROR_MS);
}

/** Shows an error toast; coded server errors keep their code and title. */
export function reportError(e: unknown, context?: string): void {
  if ((e as Error)?.name === 'AbortError') return;
  const prefix = context ? `${context}: ` : '';
  if (e instanceof ApiError && e.status === 0) {
    // One plain message for "the server is gone", whatever was being done; the run bar says offline too.
    pushError({ title: 'Server unreachable', message: 'Cannot reach the anelo server. Is `npm start` still running?' });
  } else if (e instanceof ApiError) pushError({ code: e.code, title: e.body.title, message: prefix + e.message });
  else pushError({ message: prefix + ((e as Error)?.message ?? String(e)) });
}

/** Shows a coded error that arrived as data (a WebSocket message) rather than as a thrown ApiError. */
export function reportCoded(code: string, message: string, title?: string): void {
  pushError({ code, title, message });
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
