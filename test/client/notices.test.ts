/** The editor's notices: the same one twice (a graph opened again) is shown once, and stays its full time. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { getState } from '../../client/src/store/editor-store.ts';
import { notify } from '../../client/src/store/status-actions.ts';

describe('notices', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('replaces a notice still shown with the same one, keeping other notices, and fades after its time', () => {
    const messages = () => getState().toasts.map((t) => t.message);
    notify('Opened "default"');
    notify('Using the test model');
    vi.advanceTimersByTime(3000);
    notify('Opened "default"');
    expect(messages()).toEqual(['Using the test model', 'Opened "default"']);
    // 4 s from the first notices, the repeated one (3 s later) is still shown.
    vi.advanceTimersByTime(1000);
    expect(messages()).toEqual(['Opened "default"']);
    vi.advanceTimersByTime(3000);
    expect(messages()).toEqual([]);
  });
});
