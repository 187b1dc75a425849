/** One labelled param control, chosen by fieldFor(); every control carries `param-<nodeId>-<param>`. */
import type { ParamEntry } from '../lib/param-fields.ts';
import { setParam } from '../store/node-actions.ts';
import { ModelPicker } from './ModelPicker.tsx';
import { NumberInput } from './NumberInput.tsx';
import { SliderField } from './SliderField.tsx';

function Control({ nodeId, entry, value }: { nodeId: string; entry: ParamEntry; value: unknown }) {
  const testId = `param-${nodeId}-${entry.name}`;
  const set = (v: unknown) => setParam(nodeId, entry.name, v);
  const f = entry.field;
  switch (f.kind) {
    case 'slider':
      return <SliderField testId={testId} field={f} value={value} onChange={set} />;
    case 'number':
      return <NumberInput testId={testId} field={f} value={value} onChange={set} />;
    case 'select':
      return (
        <select data-testid={testId} value={JSON.stringify(value ?? null)} onChange={(e) => set(JSON.parse(e.target.value))}>
          {f.nullable && <option value="null">—</option>}
          {f.options.map((o) => (
            <option key={JSON.stringify(o)} value={JSON.stringify(o)}>
              {String(o)}
            </option>
          ))}
        </select>
      );
    case 'toggle':
      return <input type="checkbox" className="toggle" data-testid={testId} checked={value === true} onChange={(e) => set(e.target.checked)} />;
    case 'file':
      // The server binds decode to the chosen input and names outputs itself; a path from the editor is ignored.
      return (
        <span className="param__fixed" data-testid={testId} title="Set by the server when the graph runs: the Input video in the right-hand panel, or a new file in the outputs folder">
          set when run
        </span>
      );
    case 'model':
      return <ModelPicker testId={testId} value={typeof value === 'string' ? value : ''} onChange={set} />;
    default:
      return (
        <input
          type="text"
          data-testid={testId}
          value={typeof value === 'string' ? value : value == null ? '' : String(value)}
          placeholder={f.nullable ? '(none)' : ''}
          onChange={(e) => set(f.nullable && e.target.value === '' ? null : e.target.value)}
        />
      );
  }
}

export function ParamField({ nodeId, entry, value, problem }: { nodeId: string; entry: ParamEntry; value: unknown; problem?: string }) {
  return (
    <div className={`param${problem ? ' param--bad' : ''}`} title={entry.description}>
      <label className="param__label">{entry.title}</label>
      <div className="param__control">
        <Control nodeId={nodeId} entry={entry} value={value} />
      </div>
      {problem && (
        <div className="param__problem" data-testid={`param-problem-${nodeId}-${entry.name}`}>
          {problem}
        </div>
      )}
    </div>
  );
}
