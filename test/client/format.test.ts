import { describe, expect, it } from 'vitest';
import { formatMb } from '../../client/src/lib/format.ts';

describe('sizes as the model list shows them', () => {
  it('reads megabytes, and "size unknown" where the server sends bytes: null', () => {
    expect(formatMb(99_060_839)).toBe('99.1 MB');
    expect(formatMb(266_000_000)).toBe('266 MB');
    expect(formatMb(null)).toBe('size unknown');
  });
});
