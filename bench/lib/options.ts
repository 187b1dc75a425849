/** Command-line options of `npm run bench`: which cases, how big, where the results go. */
import path from 'node:path';
import { PROJECT_ROOT } from '../../test/helpers/shared-data.ts';

export const ALL_CASES = ['retune', 'preview', 'overhead', 'memory', 'per-node', 'peer', 'quality', 'cluster', 'engine'] as const;
export type CaseName = (typeof ALL_CASES)[number];

/** full: whole clips; quick: < 10 min on 2 cores; tiny: seconds, for the harness's own test. */
export type Scale = 'full' | 'quick' | 'tiny';

export interface BenchOptions {
  scale: Scale;
  cases: CaseName[];
  outDir: string;
  threads: number;
  /** Print progress lines to stderr. */
  verbose: boolean;
}

export const USAGE = `npm run bench [-- --quick | --tiny] [--cases ${ALL_CASES.join(',')}] [--out dir] [--threads n] [--silent]`;

const FLAGS = new Set(['--tiny', '--quick', '--silent']);
const VALUED = new Set(['--cases', '--out', '--threads']);

/** Thrown for `--help` (with the usage) and for anything the bench does not know: a typo never starts a full run. */
export class BenchUsageError extends Error {
  constructor(message: string, readonly help = false) {
    super(message);
  }
}

export function parseOptions(argv: string[], cores: number): BenchOptions {
  if (argv.includes('--help') || argv.includes('-h')) throw new BenchUsageError(`usage: ${USAGE}`, true);
  for (let i = 0; i < argv.length; i++) {
    if (VALUED.has(argv[i])) {
      if (argv[i + 1] === undefined || argv[i + 1].startsWith('--')) throw new BenchUsageError(`${argv[i]} needs a value\nusage: ${USAGE}`);
      i++;
    } else if (!FLAGS.has(argv[i])) throw new BenchUsageError(`unknown option "${argv[i]}"\nusage: ${USAGE}`);
  }
  const value = (name: string): string | undefined => {
    const i = argv.indexOf(`--${name}`);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const scale: Scale = argv.includes('--tiny') ? 'tiny' : argv.includes('--quick') ? 'quick' : 'full';
  const listed = value('cases')?.split(',').map((s) => s.trim()).filter(Boolean);
  for (const c of listed ?? []) {
    if (!(ALL_CASES as readonly string[]).includes(c)) throw new Error(`unknown case "${c}" (cases: ${ALL_CASES.join(', ')})`);
  }
  const threads = Number(value('threads') ?? cores);
  return {
    scale,
    cases: (listed as CaseName[] | undefined) ?? [...ALL_CASES],
    outDir: path.resolve(value('out') ?? path.join(PROJECT_ROOT, 'bench-results')),
    threads: Number.isInteger(threads) && threads > 0 ? threads : cores,
    verbose: !argv.includes('--silent'),
  };
}
