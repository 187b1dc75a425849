import { describe, expect, it } from 'vitest';
import { formatElapsed, formatMb } from '../../client/src/lib/format.ts';

describe('sizes as the model list shows them', () => {
  it('reads megabytes as the CLI does (2^20 bytes), and "size unknown" where the server sends bytes: null', () => {
    // Depth Anything V2 small: 94.5 MB in `anelo models list`, and so in the editor.
    expect(formatMb(99_060_839)).toBe('94.5 MB');
    expect(formatMb(266_000_000)).toBe('253.7 MB');
    expect(formatMb(null)).toBe('size unknown');
  });
});

describe('a running render\'s time', () => {
  it('reads as a clock in whole seconds, with hours once it passes an hour', () => {
    expect(formatElapsed(0)).toBe('0:00');
    expect(formatElapsed(7_900)).toBe('0:07');
    expect(formatElapsed(750_000)).toBe('12:30');
    expect(formatElapsed(3_725_000)).toBe('1:02:05');
    // A client clock a little behind the server's never shows a negative time.
    expect(formatElapsed(-400)).toBe('0:00');
  });
});
