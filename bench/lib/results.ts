/** The shape of bench-results/<timestamp>.json. */
import type { CaseResult } from './figures.ts';
import type { MachineInfo } from './machine.ts';
import type { Scale } from './options.ts';

export type CaseOutcome = (CaseResult & { ms: number }) | { error: string; stack?: string; ms: number };

export interface BenchResults {
  startedAt: string;
  scale: Scale;
  totalMs: number;
  threads: number;
  machine: MachineInfo;
  models: { graph: string; peer: string; real: boolean };
  cases: Record<string, CaseOutcome>;
  /** Every figure with a target, flattened: what the run met and did not. */
  targets: { case: string; figure: string; value: number | null; target: string; met: boolean | null }[];
}
