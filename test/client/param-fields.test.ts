import { describe, expect, it } from 'vitest';
import { fieldFor, paramEntries } from '../../client/src/lib/param-fields.ts';

describe('params form fields from the schema', () => {
  it('uses a slider for a bounded number and a number box otherwise', () => {
    expect(fieldFor({ type: 'number', minimum: 0, maximum: 1, default: 0.5 })).toEqual({ kind: 'slider', min: 0, max: 1, step: 0.01, integer: false, nullable: false });
    expect(fieldFor({ type: 'integer', minimum: 1 })).toMatchObject({ kind: 'number', min: 1, step: 1, integer: true });
    expect(fieldFor({ type: 'integer', minimum: 64, maximum: 7680, ui: { widget: 'number' } }).kind).toBe('number');
    expect(fieldFor({ type: 'number', minimum: 0, maximum: 10, ui: { step: 0.1 } })).toMatchObject({ kind: 'slider', step: 0.1 });
  });

  it('uses a select for anyOf-const enums, a toggle for booleans and text for strings', () => {
    expect(fieldFor({ anyOf: [{ const: 'sbs-half' }, { const: 'anaglyph' }], default: 'sbs-half' })).toEqual({ kind: 'select', options: ['sbs-half', 'anaglyph'], nullable: false });
    expect(fieldFor({ type: 'boolean', default: true }).kind).toBe('toggle');
    expect(fieldFor({ type: 'string' }).kind).toBe('text');
  });

  it('honours the model and file widgets', () => {
    expect(fieldFor({ type: 'string', ui: { widget: 'model' } }).kind).toBe('model');
    expect(fieldFor({ type: 'string', ui: { widget: 'file' } }).kind).toBe('file');
  });

  it('treats number-or-null as a nullable number', () => {
    expect(fieldFor({ anyOf: [{ type: 'number', exclusiveMinimum: 0 }, { type: 'null' }], default: null })).toMatchObject({ kind: 'number', nullable: true, min: 0 });
  });

  it('lists basic params before advanced ones, with titles', () => {
    const entries = paramEntries({
      type: 'object',
      properties: {
        provider: { anyOf: [{ const: 'cpu' }], ui: { advanced: true } },
        inputSize: { type: 'integer', minimum: 252, maximum: 1036 },
        maxDisparity: { type: 'number', title: 'Max disparity %' },
      },
    });
    expect(entries.map((e) => [e.name, e.title, e.advanced])).toEqual([
      ['inputSize', 'Input size', false],
      ['maxDisparity', 'Max disparity %', false],
      ['provider', 'Provider', true],
    ]);
  });
});
