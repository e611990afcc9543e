import { createStore, type StoreApi } from 'zustand/vanilla';

export interface KeepDiscState {
  /** The "Keep your disc?" question is on screen. */
  asking: boolean;
  /** Ask; with no answer within the store's time, `onExpire` runs (the disc is cleared). */
  ask(): void;
  /** Close the question and forget the countdown (the patron answered, or is back). */
  keep(): void;
}

export type KeepDiscStore = StoreApi<KeepDiscState>;

/**
 * The question a retail terminal asks before the attract screen takes over a half-built
 * disc: the patron may only have been reading the track list. `onExpire` runs once when the
 * question stays unanswered for `answerMs`.
 */
export function createKeepDiscStore(onExpire: () => void, answerMs = 20_000): KeepDiscStore {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const disarm = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  return createStore<KeepDiscState>()((set, get) => ({
    asking: false,
    ask() {
      if (get().asking) return;
      set({ asking: true });
      timer = setTimeout(() => {
        timer = null;
        set({ asking: false });
        onExpire();
      }, answerMs);
    },
    keep() {
      disarm();
      if (get().asking) set({ asking: false });
    },
  }));
}
