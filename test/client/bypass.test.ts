import { describe, expect, it } from 'vitest';
import { resolveBypass } from '../../client/src/lib/bypass.ts';
import { catalogue, pipeline } from './catalogue-fixture.ts';

describe('bypass', () => {
  it('passes a muted node through: its consumers read from what feeds its matching input', () => {
    const base = pipeline();
    const g = {
      ...base,
      nodes: [...base.nodes.map((n) => (n.id === 'smooth' ? { ...n, bypass: true } : n)), { id: 'after', type: 'smooth', params: {}, position: { x: 0, y: 0 } }],
      edges: [...base.edges, { source: 'smooth', sourcePort: 'depth', target: 'after', targetPort: 'depth' }],
    };
    const out = resolveBypass(g, catalogue);
    expect(out.nodes.map((n) => n.id).sort()).toEqual(['after', 'decode', 'depth', 'scene']);
    expect(out.edges).toContainEqual({ source: 'depth', sourcePort: 'depth', target: 'after', targetPort: 'depth' });
    expect(out.edges.some((e) => e.source === 'smooth' || e.target === 'smooth')).toBe(false);
  });

  it('leaves a graph without muted nodes as it is', () => {
    const g = pipeline();
    expect(resolveBypass(g, catalogue)).toBe(g);
  });
});
