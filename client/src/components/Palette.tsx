/** Node types from GET /api/node-types, grouped by category: drag onto the canvas or click to add. */
import { useMemo, useState, type DragEvent } from 'react';
import type { NodeTypeDescriptor } from '../../../nodes/core/catalogue.ts';
import { useReactFlow } from '@xyflow/react';
import { NODE_TYPE_MIME } from '../hooks/use-canvas-drop.ts';
import { TYPICAL_NODE } from '../lib/node-rects.ts';
import { getState, useEditor } from '../store/editor-store.ts';
import { addNode } from '../store/node-actions.ts';

const CATEGORY_ORDER = ['input', 'depth', 'analysis', 'temporal', 'refine', 'stereo', 'output'];

function matches(d: NodeTypeDescriptor, q: string): boolean {
  const hay = `${d.label} ${d.type} ${d.category} ${d.description}`.toLowerCase();
  return q.split(/\s+/).every((w) => hay.includes(w));
}

/**
 * Click-to-add places the node where the user is looking: the middle of the visible canvas (addNode then moves
 * it clear of other nodes). Off to the right of the graph, it would land off screen once the graph is wide.
 */
function useNextPosition(): () => { x: number; y: number } {
  const { screenToFlowPosition } = useReactFlow();
  return () => {
    const canvas = document.querySelector('[data-testid="canvas"]')?.getBoundingClientRect();
    if (!canvas || !getState().graph.nodes.length) return { x: 0, y: 0 };
    const mid = screenToFlowPosition({ x: canvas.left + canvas.width / 2, y: canvas.top + canvas.height / 2 });
    return { x: mid.x - TYPICAL_NODE.width / 2, y: mid.y - TYPICAL_NODE.height / 2 };
  };
}

export function Palette() {
  const catalogue = useEditor((s) => s.catalogue);
  const [query, setQuery] = useState('');
  const nextPosition = useNextPosition();
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
