/** A range slider with a number box; one drag is one undo step (sealed on release). */
import type { ParamField } from '../lib/param-fields.ts';
import { sealHistory } from '../store/graph-actions.ts';
import { NumberInput } from './NumberInput.tsx';

type Slider = Extract<ParamField, { kind: 'slider' }>;

export function SliderField({ testId, field, value, onChange }: { testId: string; field: Slider; value: unknown; onChange: (v: unknown) => void }) {
  const n = typeof value === 'number' ? value : field.min;
  return (
    <div className="slider">
      <input
        type="range"
        data-testid={`${testId}-slider`}
        min={field.min}
        max={field.max}
        step={field.step}
        value={n}
        onChange={(e) => onChange(Number(e.target.value))}
        onPointerUp={sealHistory}
        onKeyUp={sealHistory}
      />
      <NumberInput testId={testId} field={{ ...field, kind: 'number' }} value={value} onChange={onChange} />
    </div>
  );
}
