import { describe, expect, it } from 'vitest';
import { checkConnection } from '../../client/src/lib/connection-rules.ts';
import { catalogue, pipeline } from './catalogue-fixture.ts';

describe('connection rules', () => {
  const graph = pipeline();

  it('accepts an edge whose types overlap on a free input', () => {
    expect(checkConnection(graph, catalogue, { source: 'scene', sourcePort: 'cuts', target: 'smooth', targetPort: 'cuts' })).toEqual({ ok: true });
  });

  it('refuses mismatched types and says what each side takes and gives', () => {
    const v = checkConnection(graph, catalogue, { source: 'scene', sourcePort: 'cuts', target: 'smooth', targetPort: 'depth' });
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).toBe('Smooth takes depth on "depth", Scene detect gives cuts on "cuts"');
  });

  it('refuses the same edge twice', () => {
    const v = checkConnection(graph, catalogue, { source: 'decode', sourcePort: 'frames', target: 'depth', targetPort: 'frames' });
    expect(v).toEqual({ ok: false, reason: 'Decode already feeds Depth there' });
  });

  it('accepts a wire into a connected input as replacing the edge there', () => {
    const node = (id: string, type: string) => ({ id, type, params: {}, position: { x: 0, y: 0 } });
    const g = { schemaVersion: 1, nodes: [node('d1', 'decode'), node('d2', 'decode'), node('depth', 'depth')], edges: [{ source: 'd1', sourcePort: 'frames', target: 'depth', targetPort: 'frames' }] };
    const v = checkConnection(g, catalogue, { source: 'd2', sourcePort: 'frames', target: 'depth', targetPort: 'frames' });
    expect(v).toEqual({ ok: true, replaces: g.edges[0] });
  });

  it('refuses an edge that would close a cycle', () => {
    const node = (id: string) => ({ id, type: 'smooth', params: {}, position: { x: 0, y: 0 } });
    const g = { schemaVersion: 1, nodes: [node('s1'), node('s2')], edges: [{ source: 's1', sourcePort: 'depth', target: 's2', targetPort: 'depth' }] };
    const v = checkConnection(g, catalogue, { source: 's2', sourcePort: 'depth', target: 's1', targetPort: 'depth' });
    expect(v).toEqual({ ok: false, reason: 'connecting Smooth to Smooth would make a cycle' });
  });

  it('refuses unknown ports and nodes', () => {
    expect(checkConnection(graph, catalogue, { source: 'decode', sourcePort: 'audio', target: 'depth', targetPort: 'frames' }).ok).toBe(false);
    expect(checkConnection(graph, catalogue, { source: 'gone', sourcePort: 'frames', target: 'depth', targetPort: 'frames' }).ok).toBe(false);
  });
});
