import { createStore, type StoreApi } from 'zustand/vanilla';

export interface IdleState {
  timeoutMs: number;
  /** Restart the countdown: call on every touch. */
  touch(): void;
  /** Change the timeout (the core's `attractAfterSeconds`) and restart the countdown. */
  setTimeoutMs(ms: number): void;
  /** Stop counting (for teardown). */
  stop(): void;
}

export type IdleStore = StoreApi<IdleState>;

/**
 * Idle timer: `onIdle` runs once `timeoutMs` passes with no touch. It runs once per idle
 * period; the next touch arms it again.
 */
export function createIdleStore(onIdle: () => void, timeoutMs = 60_000): IdleStore {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const arm = (ms: number): void => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      onIdle();
    }, ms);
  };
  return createStore<IdleState>()((set, get) => ({
    timeoutMs,
    touch() {
      arm(get().timeoutMs);
    },
    setTimeoutMs(ms) {
      if (ms === get().timeoutMs) return;
      set({ timeoutMs: ms });
      arm(ms);
    },
    stop() {
      if (timer) clearTimeout(timer);
      timer = null;
    },
  }));
}
