import { createStore, type StoreApi } from 'zustand/vanilla';

/** One screen of the touch UI with what it needs to load itself. */
export type Screen =
  | { name: 'attract' }
  | { name: 'home' }
  | { name: 'category'; categoryId: number; title: string }
  | { name: 'letters'; by: 'artist' | 'title' }
  | { name: 'artist'; artistId: number }
  | { name: 'album'; albumId: number }
  | { name: 'search' }
  | { name: 'queue' }
  /** Retail: pay for the draft disc and order it. */
  | { name: 'checkout' }
  /** Retail: an order's tracking number and progress. */
  | { name: 'order'; trackingNumber: string };

export interface NavState {
  /** Never empty; the last element is shown. */
  stack: Screen[];
  push(screen: Screen): void;
  /** Go back one screen; from the first screen after home, back is home. */
  back(): void;
  home(): void;
  attract(): void;
}

export type NavStore = StoreApi<NavState>;

/** Screen stack. Attract and home are roots: going to either forgets the history. */
export function createNavStore(initial: Screen = { name: 'attract' }): NavStore {
  return createStore<NavState>()((set, get) => ({
    stack: [initial],
    push(screen) {
      const { stack } = get();
      if (screen.name === 'home' || screen.name === 'attract') set({ stack: [screen] });
      else set({ stack: [...stack.filter((s) => s.name !== 'attract'), screen] });
    },
    back() {
      const { stack } = get();
      if (stack.length > 1) set({ stack: stack.slice(0, -1) });
      else if (stack[0]?.name !== 'attract') set({ stack: [{ name: 'home' }] });
    },
    home() {
      set({ stack: [{ name: 'home' }] });
    },
    attract() {
      if (get().stack.length === 1 && get().stack[0]?.name === 'attract') return;
      set({ stack: [{ name: 'attract' }] });
    },
  }));
}

/** The screen on top of the stack. */
export function currentScreen(s: Pick<NavState, 'stack'>): Screen {
  return s.stack.at(-1) ?? { name: 'attract' };
}
