/** The one modal dialog: a question with two buttons, or a text field checked as the user types. Esc cancels. */
import { useState } from 'react';
import { useEditor } from '../store/editor-store.ts';
import { cancelDialog, confirmDialog, dialogProblem } from '../store/dialog-actions.ts';
import type { DialogSpec } from '../store/editor-state.ts';

export function AppDialog() {
  const d = useEditor((s) => s.dialog);
  // A new dialog is a new form: its field starts with the value on the first paint, so focusing it selects the
  // name (typing replaces it). Set by an effect after the paint, the field was empty when it took focus: nothing
  // was selected and typing went after the name.
  return d ? <DialogForm key={d.id} d={d} /> : null;
}

function DialogForm({ d }: { d: DialogSpec }) {
  const [text, setText] = useState(d.value ?? '');
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
