/** One measured number of a case, with its target (if any) and whether it was met. */

export interface Target {
  op: '<' | '<=' | '>=' | '==';
  value: number;
}

export interface Figure {
  name: string;
  value: number | null;
  unit?: string;
  target?: Target;
  /** Undefined without a target or without a value. */
  met?: boolean;
  note?: string;
}

export interface CaseResult {
  figures: Figure[];
  /** Everything behind the figures (per-node reports, sizes, frame counts), for the JSON. */
  details: Record<string, unknown>;
  notes: string[];
}

export function figure(name: string, value: number | null, opts: { unit?: string; target?: Target; note?: string; digits?: number } = {}): Figure {
  const v = value === null || !Number.isFinite(value) ? null : Number(value.toFixed(opts.digits ?? 3));
  const f: Figure = { name, value: v, unit: opts.unit, target: opts.target, note: opts.note };
  if (opts.target && v !== null && value !== null) {
    // Judged on the measured value, not the rounded one shown: 0.4977 is shown as 0.50 and is not >= 0.5.
    const t = opts.target;
    const x = value;
    f.met = t.op === '<' ? x < t.value : t.op === '<=' ? x <= t.value : t.op === '>=' ? x >= t.value : x === t.value;
  }
  return f;
}

export const ratio = (a: number, b: number): number | null => (b > 0 && Number.isFinite(a) ? a / b : null);
