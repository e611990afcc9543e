import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createIdleStore } from './idle-store.js';

describe('idle store', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('fires once after the timeout with no touch', () => {
    const onIdle = vi.fn();
    const idle = createIdleStore(onIdle, 1_000);
    idle.getState().touch();
    vi.advanceTimersByTime(999);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('restarts the countdown on every touch', () => {
    const onIdle = vi.fn();
    const idle = createIdleStore(onIdle, 1_000);
    idle.getState().touch();
    for (let i = 0; i < 5; i++) {
      vi.advanceTimersByTime(900);
      idle.getState().touch();
    }
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });

  it('takes a new timeout from the core and stops on request', () => {
    const onIdle = vi.fn();
    const idle = createIdleStore(onIdle, 1_000);
    idle.getState().setTimeoutMs(5_000);
    vi.advanceTimersByTime(4_999);
    expect(onIdle).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(onIdle).toHaveBeenCalledTimes(1);
    idle.getState().touch();
    idle.getState().stop();
    vi.advanceTimersByTime(10_000);
    expect(onIdle).toHaveBeenCalledTimes(1);
  });
});
