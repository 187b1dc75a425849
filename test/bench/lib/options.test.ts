import { describe, expect, it } from 'vitest';
import { BenchUsageError, parseOptions } from '../../../bench/lib/options.ts';

describe('npm run bench options', () => {
  it('--help gives the usage instead of starting a full run', () => {
    const e = (() => {
      try {
        parseOptions(['--help'], 2);
      } catch (err) {
        return err;
      }
    })() as BenchUsageError;
    expect(e).toBeInstanceOf(BenchUsageError);
    expect(e.help).toBe(true);
    expect(e.message).toContain('--cases');
  });

  it('refuses a misspelt option or a missing value, naming it', () => {
    expect(() => parseOptions(['--case', 'engine'], 2)).toThrow(/unknown option "--case"/);
    expect(() => parseOptions(['--cases'], 2)).toThrow(/--cases needs a value/);
    expect(() => parseOptions(['--cases', 'nope'], 2)).toThrow(/unknown case "nope"/);
  });

  it('reads the cases, scale and thread count it is given', () => {
    const o = parseOptions(['--quick', '--cases', 'engine,quality', '--threads', '1', '--silent'], 2);
    expect(o).toMatchObject({ scale: 'quick', cases: ['engine', 'quality'], threads: 1, verbose: false });
  });
});
