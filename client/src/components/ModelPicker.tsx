/** Picks a depth model from GET /api/models, showing installed state, size and licence. */
import { formatMb } from '../lib/format.ts';
import { useEditor } from '../store/editor-store.ts';

export function ModelPicker({ testId, value, onChange }: { testId: string; value: string; onChange: (v: string) => void }) {
  const models = useEditor((s) => s.models);
  const known = models.some((m) => m.id === value);
  return (
    <select data-testid={testId} value={value} onChange={(e) => onChange(e.target.value)} className="model-picker">
      {!known && <option value={value}>{value || '(choose a model)'}</option>}
      {models.map((m) => (
        <option key={m.id} value={m.id}>
          {m.installed ? '● ' : '○ '}
          {m.name}
          {m.bytes !== null ? ` · ${formatMb(m.bytes)}` : ''} · {m.license}
          {m.installed ? '' : ' · not installed'}
        </option>
      ))}
    </select>
  );
}
