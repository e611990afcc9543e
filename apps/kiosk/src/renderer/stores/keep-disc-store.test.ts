import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createKeepDiscStore } from './keep-disc-store.js';

describe('keep-disc store', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('runs onExpire once when the question goes unanswered', () => {
    const expired = vi.fn();
    const store = createKeepDiscStore(expired, 20_000);
    store.getState().ask();
    store.getState().ask();
    vi.advanceTimersByTime(19_999);
    expect(expired).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(expired).toHaveBeenCalledTimes(1);
    expect(store.getState().asking).toBe(false);
    vi.advanceTimersByTime(60_000);
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it('an answer closes the question and cancels the countdown', () => {
    const expired = vi.fn();
    const store = createKeepDiscStore(expired, 20_000);
    store.getState().ask();
    store.getState().keep();
    expect(store.getState().asking).toBe(false);
    vi.advanceTimersByTime(60_000);
    expect(expired).not.toHaveBeenCalled();
  });
});
