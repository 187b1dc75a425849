/**
 * The node catalogue as plain JSON: what `anelo nodes --json` prints and `GET /api/node-types` serves.
 * The editor builds its palette, handles and params forms from it, and validates graphs against it.
 */
import type { AnyNodeDefinition, CachePolicy, DataType, PortSpec } from './types.ts';
import type { JsonSchema } from './param-schema.ts';

export interface NodeTypeDescriptor {
  type: string;
  version: number;
  label: string;
  category: string;
  description: string;
  inputs: PortSpec[];
  outputs: PortSpec[];
  params: JsonSchema;
  cache: CachePolicy;
  temporal: boolean;
  sink: boolean;
}

export type Catalogue = Record<string, NodeTypeDescriptor>;

/** Colour of each data type's handles and edges, shared by the editor and docs. */
export const DATA_TYPE_COLOURS: Record<DataType, string> = {
  frames: '#4f9cf9',
  depth: '#f2a541',
  cuts: '#b57edc',
};

export function describeNode(def: AnyNodeDefinition): NodeTypeDescriptor {
  return {
    type: def.type,
    version: def.version,
    label: def.label,
    category: def.category,
    description: def.description,
    inputs: def.inputs.map((p) => ({ ...p, types: [...p.types] })),
    outputs: def.outputs.map((p) => ({ ...p, types: [...p.types] })),
    // JSON round trip drops TypeBox's symbol keys, leaving the plain JSON Schema.
    params: JSON.parse(JSON.stringify(def.params)) as JsonSchema,
    cache: def.cache,
    temporal: def.window !== undefined,
    sink: def.sink !== undefined,
  };
}

/**
 * The catalogue by type name, without a prototype: a graph's type is untrusted text, and `catalogue["toString"]` or
 * `catalogue["__proto__"]` must be no type at all rather than Object.prototype's members (see catalogueFromJson).
 */
export function describeCatalogue(defs: readonly AnyNodeDefinition[]): Catalogue {
  const out: Catalogue = Object.create(null);
  for (const d of defs) out[d.type] = describeNode(d);
  return out;
}

/** A catalogue received as JSON (the editor's GET /api/node-types), without a prototype as describeCatalogue makes it. */
export function catalogueFromJson(json: Catalogue): Catalogue {
  return Object.assign(Object.create(null) as Catalogue, json);
}
