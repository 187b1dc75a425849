/**
 * A small node search at a point on the canvas: opened by a wire dropped on empty canvas (then only nodes that can
 * take or give what the wire carries are listed, and the new node is wired in) or from the context menu. Enter picks
 * the first match, Esc closes.
 */
import { useMemo, useState } from 'react';
import type { NodeTypeDescriptor } from '../../../nodes/core/catalogue.ts';
import { checkConnection } from '../lib/connection-rules.ts';
import type { NodeSearchSpec } from '../store/editor-state.ts';
import { getState, update, useEditor } from '../store/editor-store.ts';
import { addNode, connect } from '../store/node-actions.ts';

/** The port of `d` a wire from `from` would land on, or undefined when none fits. */
function fittingPort(d: NodeTypeDescriptor, from: NonNullable<NodeSearchSpec['from']>): string | undefined {
  const ports = from.kind === 'source' ? d.inputs : d.outputs;
  return ports.find((p) => p.types.some((t) => from.types.includes(t)))?.name;
}

function close(): void {
  update((s) => void (s.nodeSearch = null));
}

function pick(spec: NodeSearchSpec, type: string): void {
  close();
  const id = addNode(type, spec.flow);
  const from = spec.from;
  const d = getState().catalogue?.[type];
  if (!id || !from || !d) return;
  const port = fittingPort(d, from);
  if (!port) return;
  const edge = from.kind === 'source' ? { source: from.nodeId, sourcePort: from.port, target: id, targetPort: port } : { source: id, sourcePort: port, target: from.nodeId, targetPort: from.port };
  const { graph, catalogue } = getState();
  const v = checkConnection(graph, catalogue!, edge);
  if (v.ok) connect(edge, v.replaces);
}

export function NodeSearch() {
  const spec = useEditor((s) => s.nodeSearch);
  const catalogue = useEditor((s) => s.catalogue);
  const [query, setQuery] = useState('');
  const items = useMemo(() => {
    if (!spec || !catalogue) return [];
    const q = query.trim().toLowerCase();
    return Object.values(catalogue).filter((d) => (!spec.from || fittingPort(d, spec.from)) && (!q || `${d.label} ${d.type} ${d.category}`.toLowerCase().includes(q)));
  }, [spec, catalogue, query]);
  if (!spec) return null;
  const what = spec.from ? `${spec.from.kind === 'source' ? 'taking' : 'giving'} ${spec.from.types.join(' or ')}` : 'any node';
  return (
    <div className="node-search" style={{ left: spec.screen.x, top: spec.screen.y }} data-testid="node-search" onKeyDown={(e) => e.key === 'Escape' && close()}>
      <input
        autoFocus
        type="search"
        placeholder={`Add a node ${what}…`}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && items[0]) pick(spec, items[0].type);
        }}
        onBlur={(e) => {
          if (!e.currentTarget.parentElement?.contains(e.relatedTarget as Node | null)) close();
        }}
        data-testid="node-search-input"
      />
      <div className="node-search__list">
        {items.length === 0 && <div className="muted small">No node fits.</div>}
        {items.map((d) => (
          <button type="button" key={d.type} className={`node-search__item cat-${d.category}`} onMouseDown={(e) => e.preventDefault()} onClick={() => pick(spec, d.type)} data-testid={`node-search-item-${d.type}`}>
            {d.label}
            <span className="muted small"> {d.category}</span>
          </button>
        ))}
      </div>
    </div>
  );
}
