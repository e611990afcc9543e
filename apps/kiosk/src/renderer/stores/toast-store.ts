import { createStore, type StoreApi } from 'zustand/vanilla';

export interface Toast {
  id: number;
  level: 'info' | 'warning' | 'error';
  text: string;
}

export interface ToastState {
  toasts: Toast[];
  show(text: string, level?: Toast['level']): void;
  dismiss(id: number): void;
}

export type ToastStore = StoreApi<ToastState>;

/** Short messages that go away by themselves; at most `max` are shown, newest last. */
export function createToastStore(lifetimeMs = 4_000, max = 3): ToastStore {
  let nextId = 1;
  return createStore<ToastState>()((set, get) => ({
    toasts: [],
    show(text, level = 'info') {
      const id = nextId++;
      set({ toasts: [...get().toasts, { id, level, text }].slice(-max) });
      setTimeout(() => get().dismiss(id), lifetimeMs);
    },
    dismiss(id) {
      set({ toasts: get().toasts.filter((t) => t.id !== id) });
    },
  }));
}
