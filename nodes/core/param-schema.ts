/**
 * Checks and completes params against a node's params schema. Works on the plain JSON Schema that TypeBox
 * emits (the subset node params use: number, integer, boolean, string, enums of literals, nullable numbers),
 * so the client can run the same checks on the catalogue it fetched.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  anyOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  default?: unknown;
  title?: string;
  description?: string;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  ui?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface ParamProblem {
  param: string;
  message: string;
}

/** The allowed literal values of an enum-like schema, or undefined when it is not one. */
export function enumValues(s: JsonSchema): unknown[] | undefined {
  if (s.enum) return s.enum;
  if (s.anyOf && s.anyOf.every((o) => 'const' in o)) return s.anyOf.map((o) => o.const);
  return undefined;
}

function describe(v: unknown): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** Returns a message when `value` does not satisfy `s`, else undefined. */
export function checkValue(s: JsonSchema, value: unknown): string | undefined {
  const values = enumValues(s);
  if (values) {
    return values.some((v) => v === value) ? undefined : `must be one of ${values.map(describe).join(', ')}, got ${describe(value)}`;
  }
  if (s.anyOf) {
    const messages = s.anyOf.map((o) => checkValue(o, value));
    return messages.some((m) => m === undefined) ? undefined : messages[0];
  }
  switch (s.type) {
    case 'null':
      return value === null ? undefined : `must be null, got ${describe(value)}`;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : `must be true or false, got ${describe(value)}`;
    case 'string': {
      if (typeof value !== 'string') return `must be a string, got ${describe(value)}`;
      if (s.minLength !== undefined && value.length < s.minLength) return `must not be empty`;
      if (s.maxLength !== undefined && value.length > s.maxLength) return `must be at most ${s.maxLength} characters`;
      if (s.pattern !== undefined && !new RegExp(s.pattern).test(value)) return `has characters that are not allowed`;
      return undefined;
    }
    case 'number':
    case 'integer': {
      // A number too large for a double (--set x=1e309) parses as Infinity, which JSON would show as null.
      if (typeof value === 'number' && !Number.isFinite(value)) return `must be a finite number, got ${value}`;
      if (typeof value !== 'number') return `must be a number, got ${describe(value)}`;
      if (s.type === 'integer' && !Number.isInteger(value)) return `must be a whole number, got ${value}`;
      if (s.minimum !== undefined && value < s.minimum) return `must be at least ${s.minimum}, got ${value}`;
      if (s.maximum !== undefined && value > s.maximum) return `must be at most ${s.maximum}, got ${value}`;
      if (s.exclusiveMinimum !== undefined && value <= s.exclusiveMinimum) return `must be more than ${s.exclusiveMinimum}, got ${value}`;
      return undefined;
    }
    default:
      return undefined;
  }
}

/** Validates params by name: unknown names and bad values are problems; missing ones take defaults. */
export function checkParams(schema: JsonSchema, params: Record<string, unknown>): ParamProblem[] {
  const props = schema.properties ?? {};
  const problems: ParamProblem[] = [];
  for (const [name, value] of Object.entries(params)) {
    // Own properties only: a param named "constructor" or "__proto__" is unknown, not Object.prototype's.
    const s = Object.hasOwn(props, name) ? props[name] : undefined;
    if (!s) {
      problems.push({ param: name, message: `unknown param "${name}"` });
      continue;
    }
    const m = checkValue(s, value);
    if (m) problems.push({ param: name, message: `param "${name}" ${m}` });
  }
  return problems;
}

/** Params with every default filled in, keys sorted: the canonical form that enters cache keys. */
export function withDefaults(schema: JsonSchema, params: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const props = schema.properties ?? {};
  for (const name of Object.keys(props).sort()) {
    if (name in params && params[name] !== undefined) out[name] = params[name];
    else if ('default' in props[name]) out[name] = structuredClone(props[name].default);
  }
  return out;
}
