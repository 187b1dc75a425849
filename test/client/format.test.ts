import { describe, expect, it } from 'vitest';
import { formatMb } from '../../client/src/lib/format.ts';

describe('sizes as the model list shows them', () => {
  it('reads megabytes as the CLI does (2^20 bytes), and "size unknown" where the server sends bytes: null', () => {
    // Depth Anything V2 small: 94.5 MB in `anelo models list`, and so in the editor.
    expect(formatMb(99_060_839)).toBe('94.5 MB');
    expect(formatMb(266_000_000)).toBe('253.7 MB');
    expect(formatMb(null)).toBe('size unknown');
  });
});
