/** Toasts: every server error with its code and message, plus short notices. */
import { useEditor } from '../store/editor-store.ts';
import { dismissToast } from '../store/status-actions.ts';

export function StatusArea() {
  const toasts = useEditor((s) => s.toasts);
  return (
    <div className="status" data-testid="status" role="status" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast toast--${t.kind}`} data-testid="toast" data-code={t.code}>
          <div className="toast__body">
            {t.code && <div className="toast__code">{t.code}{t.title ? ` · ${t.title}` : ''}</div>}
            <div className="toast__msg">{t.message}</div>
          </div>
          <button type="button" className="toast__close" onClick={() => dismissToast(t.id)} aria-label="Dismiss">
            ×
          </button>
        </div>
      ))}
    </div>
  );
}
