/** Node types from GET /api/node-types, grouped by category: drag onto the canvas or click to add. */
import { useMemo, useState, type DragEvent } from 'react';
import type { NodeTypeDescriptor } from '../../../nodes/core/catalogue.ts';
import { NODE_TYPE_MIME } from '../hooks/use-canvas-drop.ts';
import { getState, useEditor } from '../store/editor-store.ts';
import { addNode } from '../store/node-actions.ts';

const CATEGORY_ORDER = ['input', 'depth', 'analysis', 'temporal', 'refine', 'stereo', 'output'];

function matches(d: NodeTypeDescriptor, q: string): boolean {
  const hay = `${d.label} ${d.type} ${d.category} ${d.description}`.toLowerCase();
  return q.split(/\s+/).every((w) => hay.includes(w));
}

/** Click-to-add places the node to the right of the rightmost node. */
function nextPosition(): { x: number; y: number } {
  const nodes = getState().graph.nodes;
  if (!nodes.length) return { x: 0, y: 0 };
  const right = nodes.reduce((a, b) => (b.position.x > a.position.x ? b : a));
  return { x: right.position.x + 280, y: right.position.y };
}

export function Palette() {
  const catalogue = useEditor((s) => s.catalogue);
  const [query, setQuery] = useState('');
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const list = Object.values(catalogue ?? {}).filter((d) => !q || matches(d, q));
    const cats = [...new Set(list.map((d) => d.category))].sort((a, b) => (CATEGORY_ORDER.indexOf(a) + 99) % 99 - (CATEGORY_ORDER.indexOf(b) + 99) % 99);
    return cats.map((c) => ({ category: c, items: list.filter((d) => d.category === c) }));
  }, [catalogue, query]);

  const onDragStart = (e: DragEvent, type: string) => {
    e.dataTransfer.setData(NODE_TYPE_MIME, type);
    e.dataTransfer.effectAllowed = 'move';
  };

  return (
    <aside className="palette" data-testid="palette">
      <input className="palette__search" type="search" placeholder="Search nodes…" value={query} onChange={(e) => setQuery(e.target.value)} data-testid="palette-search" />
      {!catalogue && <div className="muted">Loading node types…</div>}
      {groups.map((g) => (
        <section key={g.category}>
          <h3 className="palette__category">{g.category}</h3>
          {g.items.map((d) => (
            <button
              type="button"
              key={d.type}
              className={`palette__item cat-${d.category}`}
              draggable
              onDragStart={(e) => onDragStart(e, d.type)}
              onClick={() => addNode(d.type, nextPosition())}
              title={d.description}
              data-testid={`palette-item-${d.type}`}
            >
              <span className="palette__label">{d.label}</span>
              <span className="palette__ports">
                {d.inputs.map((p) => p.types.join('|')).join(', ') || '—'} → {d.outputs.map((p) => p.types.join('|')).join(', ') || 'file'}
              </span>
            </button>
          ))}
        </section>
      ))}
      {catalogue && groups.length === 0 && <div className="muted">No node matches “{query}”.</div>}
    </aside>
  );
}
