/**
 * Chooses the form control for each param from its JSON Schema plus `ui` hints, so the form is generated
 * from the same schema the server validates with.
 */
import type { JsonSchema } from '../../../nodes/core/param-schema.ts';
import { enumValues } from '../../../nodes/core/param-schema.ts';

export type ParamField =
  | { kind: 'slider'; min: number; max: number; step: number; integer: boolean; nullable: boolean }
  | { kind: 'number'; min?: number; max?: number; step: number; integer: boolean; nullable: boolean }
  | { kind: 'select'; options: unknown[]; nullable: boolean }
  | { kind: 'toggle'; nullable: boolean }
  | { kind: 'text'; nullable: boolean }
  | { kind: 'model'; nullable: boolean }
  | { kind: 'file'; nullable: boolean };

export interface ParamEntry {
  name: string;
  title: string;
  description?: string;
  group?: string;
  advanced: boolean;
  schema: JsonSchema;
  field: ParamField;
}

function niceStep(min: number, max: number): number {
  const raw = (max - min) / 100;
  if (!(raw > 0)) return 0.01;
  const p = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * p).find((s) => s >= raw) ?? raw;
}

/** The schema without a `null` alternative, and whether null was allowed. */
function stripNull(s: JsonSchema): { schema: JsonSchema; nullable: boolean } {
  if (s.anyOf && !enumValues(s)) {
    const rest = s.anyOf.filter((o) => o.type !== 'null');
    if (rest.length === 1 && rest.length < s.anyOf.length) return { schema: { ...s, ...rest[0], anyOf: undefined }, nullable: true };
  }
  if (Array.isArray(s.type) && s.type.includes('null')) {
    const t = s.type.filter((x) => x !== 'null');
    if (t.length === 1) return { schema: { ...s, type: t[0] }, nullable: true };
  }
  return { schema: s, nullable: false };
}

/** The control for one param schema. */
export function fieldFor(schema: JsonSchema): ParamField {
  const { schema: s, nullable } = stripNull(schema);
  const ui = (s.ui ?? schema.ui ?? {}) as { widget?: string; step?: number };
  if (ui.widget === 'model') return { kind: 'model', nullable };
  if (ui.widget === 'file') return { kind: 'file', nullable };
  const options = enumValues(s);
  if (options) return { kind: 'select', options, nullable };
  if (s.type === 'boolean') return { kind: 'toggle', nullable };
  if (s.type === 'number' || s.type === 'integer') {
    const integer = s.type === 'integer';
    const min = s.minimum ?? s.exclusiveMinimum;
    const max = s.maximum;
    const step = ui.step ?? (integer ? 1 : min !== undefined && max !== undefined ? niceStep(min, max) : 0.01);
    if (min !== undefined && max !== undefined && ui.widget !== 'number') return { kind: 'slider', min, max, step, integer, nullable };
    return { kind: 'number', min, max, step, integer, nullable };
  }
  return { kind: 'text', nullable };
}

function titleCase(name: string): string {
  const words = name.replace(/([a-z])([A-Z])/g, (_, a: string, b: string) => `${a} ${b.toLowerCase()}`).replace(/[_-]+/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

/** Every param of a node type in display order: basic before advanced, grouped, schema order within. */
export function paramEntries(params: JsonSchema): ParamEntry[] {
  const entries = Object.entries(params.properties ?? {}).map(([name, schema]): ParamEntry => {
    const ui = (schema.ui ?? {}) as { group?: string; advanced?: boolean };
    return {
      name,
      title: schema.title ?? titleCase(name),
      description: schema.description,
      group: ui.group,
      advanced: ui.advanced === true,
      schema,
      field: fieldFor(schema),
    };
  });
  const groups = [...new Set(entries.map((e) => e.group ?? ''))];
  return entries
    .map((e, i) => ({ e, i }))
    .sort((a, b) => Number(a.e.advanced) - Number(b.e.advanced) || groups.indexOf(a.e.group ?? '') - groups.indexOf(b.e.group ?? '') || a.i - b.i)
    .map(({ e }) => e);
}
