/** The one modal dialog: a question with two buttons, or a text field checked as the user types. Esc cancels. */
import { useEffect, useState } from 'react';
import { useEditor } from '../store/editor-store.ts';
import { cancelDialog, confirmDialog, dialogProblem } from '../store/dialog-actions.ts';

export function AppDialog() {
  const d = useEditor((s) => s.dialog);
  const [text, setText] = useState('');
  useEffect(() => setText(d?.value ?? ''), [d?.id, d?.value]);
  if (!d) return null;
  const problem = d.kind === 'prompt' ? dialogProblem(text) : undefined;
  return (
    <div className="dialog-backdrop" onPointerDown={(e) => e.target === e.currentTarget && cancelDialog()}>
      <form
        className="dialog"
        role="dialog"
        aria-modal="true"
        aria-labelledby="dialog-title"
        data-testid="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          confirmDialog(text);
        }}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.stopPropagation();
            cancelDialog();
          }
        }}
      >
        <h3 id="dialog-title" className="dialog__title" data-testid="dialog-title">
          {d.title}
        </h3>
        {d.message && <p className="dialog__message">{d.message}</p>}
        {d.kind === 'prompt' && (
          <label className="dialog__field">
            <span>{d.label}</span>
            <input type="text" autoFocus value={text} onChange={(e) => setText(e.target.value)} onFocus={(e) => e.target.select()} data-testid="dialog-input" />
            {problem && text !== '' && (
              <span className="dialog__problem" data-testid="dialog-problem">
                {problem}
              </span>
            )}
          </label>
        )}
        <div className="dialog__buttons">
          <button type="button" onClick={cancelDialog} data-testid="dialog-cancel">
            Cancel
          </button>
          <button type="submit" className={d.danger ? 'danger' : 'primary'} disabled={problem !== undefined} autoFocus={d.kind === 'confirm'} data-testid="dialog-confirm">
            {d.confirmLabel}
          </button>
        </div>
      </form>
    </div>
  );
}
