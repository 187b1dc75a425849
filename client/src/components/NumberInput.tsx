/** A number box that keeps what is typed until it parses and passes the schema's range, then commits it. */
import { useEffect, useState } from 'react';
import type { ParamField } from '../lib/param-fields.ts';
import { sealHistory } from '../store/graph-actions.ts';

type NumberField = Extract<ParamField, { kind: 'number' | 'slider' }>;

function valid(f: NumberField, v: number): boolean {
  if (!Number.isFinite(v)) return false;
  if (f.integer && !Number.isInteger(v)) return false;
  return (f.min === undefined || v >= f.min) && (f.max === undefined || v <= f.max);
}

export function NumberInput({ testId, field, value, onChange }: { testId: string; field: NumberField; value: unknown; onChange: (v: unknown) => void }) {
  const shown = typeof value === 'number' ? String(value) : '';
  const [draft, setDraft] = useState(shown);
  useEffect(() => setDraft(shown), [shown]);
  const bad = draft !== shown && !(draft === '' && field.nullable) && !valid(field, Number(draft));

  return (
    <input
      type="number"
      className={bad ? 'is-bad' : undefined}
      data-testid={testId}
      min={field.min}
      max={field.max}
      step={field.step}
      value={draft}
      placeholder={field.nullable ? 'auto' : undefined}
      onChange={(e) => {
        const text = e.target.value;
        setDraft(text);
        if (text === '' && field.nullable) onChange(null);
        else if (text !== '' && valid(field, Number(text))) onChange(Number(text));
      }}
      onBlur={() => {
        setDraft(shown);
        sealHistory();
      }}
    />
  );
}
