import { describe, expect, it } from 'vitest';
import { presetNameProblem } from '../../client/src/lib/preset-name.ts';

describe('preset names', () => {
  it('accepts names the server accepts', () => {
    for (const n of ['default copy', 'MiDaS_v2.1-test', 'a']) expect(presetNameProblem(n)).toBeUndefined();
  });
  it('refuses empty, leading punctuation, slashes, ".." and over-long names', () => {
    for (const n of ['', ' x', '.hidden', 'a/b', 'a..b', 'x'.repeat(65)]) expect(presetNameProblem(n)).toBeDefined();
  });
});
