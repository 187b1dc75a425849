import { produceWithPatches } from 'immer';
import { describe, expect, it } from 'vitest';
import { COALESCE_MS, emptyHistory, record, redo, seal, undo, type History } from '../../client/src/lib/history.ts';

interface Doc {
  params: Record<string, number>;
  nodes: string[];
}

function edit(doc: Doc, h: History, f: (d: Doc) => void, key?: string, now = 0): [Doc, History] {
  const [next, patches, inverse] = produceWithPatches(doc, f);
  return [next, record(h, patches, inverse, key, now)];
}

describe('undo/redo over immer patches', () => {
  const start: Doc = { params: { strength: 0.5 }, nodes: ['decode'] };

  it('undoes and redoes a step back to the exact documents', () => {
    const [a, h1] = edit(start, emptyHistory, (d) => void d.nodes.push('depth'));
    const back = undo(h1, a)!;
    expect(back.doc).toEqual(start);
    const again = redo(back.history, back.doc)!;
    expect(again.doc).toEqual(a);
    expect(again.history.future).toHaveLength(0);
  });

  it('merges a slider drag (same key, close in time) into one step', () => {
    let doc = start;
    let h = emptyHistory;
    for (let i = 1; i <= 20; i++) [doc, h] = edit(doc, h, (d) => void (d.params.strength = 0.5 + i / 100), 'param:strength', i * 16);
    expect(doc.params.strength).toBeCloseTo(0.7);
    expect(h.past).toHaveLength(1);
    expect(undo(h, doc)!.doc).toEqual(start);
  });

  it('starts a new step after the gesture is sealed or after a pause', () => {
    let [doc, h] = edit(start, emptyHistory, (d) => void (d.params.strength = 0.6), 'k', 0);
    h = seal(h);
    [doc, h] = edit(doc, h, (d) => void (d.params.strength = 0.7), 'k', 10);
    [doc, h] = edit(doc, h, (d) => void (d.params.strength = 0.8), 'k', 10 + COALESCE_MS + 1);
    expect(h.past).toHaveLength(3);
    expect(undo(h, doc)!.doc.params.strength).toBe(0.7);
  });

  it('drops the redo stack when a new edit is made, and ignores no-op edits', () => {
    const [a, h1] = edit(start, emptyHistory, (d) => void d.nodes.push('depth'));
    const back = undo(h1, a)!;
    const [, h2] = edit(back.doc, back.history, (d) => void d.nodes.push('encode'));
    expect(h2.future).toHaveLength(0);
    const [, h3] = edit(start, emptyHistory, () => undefined);
    expect(h3).toBe(emptyHistory);
    expect(undo(emptyHistory, start)).toBeUndefined();
  });
});
