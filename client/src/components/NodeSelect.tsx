/** A select listing the graph's nodes by label (for compare A/B). */
import { useEditor } from '../store/editor-store.ts';

export function NodeSelect({ value, onChange, testId, label }: { value: string | null; onChange: (v: string | null) => void; testId: string; label: string }) {
  const nodes = useEditor((s) => s.graph.nodes);
  const catalogue = useEditor((s) => s.catalogue);
  return (
    <label className="node-select">
      <span>{label}</span>
      <select value={value ?? ''} onChange={(e) => onChange(e.target.value || null)} data-testid={testId}>
        <option value="">—</option>
        {nodes
          .filter((n) => !catalogue?.[n.type]?.sink)
          .map((n) => (
            <option key={n.id} value={n.id}>
              {n.label ?? catalogue?.[n.type]?.label ?? n.type} ({n.id})
            </option>
          ))}
      </select>
    </label>
  );
}
