import { discTitle, trackSummary, type TrackSummary } from '@jukebox/protocol';
import { z } from 'zod';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { addRefusal, type AddRefusal, type DiscLimits } from '../disc-math.js';

/** The title a disc gets when the patron leaves the field empty. */
export const DEFAULT_DISC_TITLE = 'My Mix';
/** CD-TEXT holds 80 characters of title (protocol `discTitle`). */
const MAX_TITLE = 80;

/** One track on the draft disc. */
export interface DiscEntry {
  /** Unique within the draft: the same track may be on a disc twice. */
  key: number;
  track: TrackSummary;
}

export interface DiscState {
  /** The tracks in disc order. */
  entries: DiscEntry[];
  /** As typed; may be empty while the patron edits it (see `orderTitle`). */
  title: string;
  /** Put a track at the end of the disc; returns why not when it breaks a limit. */
  add(track: TrackSummary): AddRefusal | null;
  remove(key: number): void;
  /** Move the entry at `from` so it ends up at index `to`. */
  move(from: number, to: number): void;
  moveUp(key: number): void;
  moveDown(key: number): void;
  setTitle(title: string): void;
  /** Empty the disc and restore the default title (after an order, or a patron who left). */
  clear(): void;
}

export type DiscStore = StoreApi<DiscState>;

/** What the draft is kept in: `sessionStorage` in the page, a map elsewhere. */
export type TextStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** A storage that lives as long as the page: the default where no sessionStorage is given. */
export function memoryStorage(): TextStorage {
  const items = new Map<string, string>();
  return {
    getItem: (key) => items.get(key) ?? null,
    setItem: (key, value) => void items.set(key, value),
    removeItem: (key) => void items.delete(key),
  };
}

export const DISC_STORAGE_KEY = 'jukebox.retail.disc.v1';

/** The persisted draft; storage is written by other tabs, old builds, people: parse it. */
const savedDisc = z.object({
  entries: z
    .array(z.object({ key: z.number().int().positive(), track: trackSummary }))
    .max(500)
    .refine((es) => new Set(es.map((e) => e.key)).size === es.length, 'entry keys repeat'),
  title: z.string().max(MAX_TITLE),
});

function load(storage: TextStorage): z.infer<typeof savedDisc> | null {
  let raw: string | null;
  try {
    raw = storage.getItem(DISC_STORAGE_KEY);
  } catch {
    return null;
  }
  if (raw === null) return null;
  try {
    const parsed = savedDisc.safeParse(JSON.parse(raw));
    if (parsed.success) return parsed.data;
    console.warn(`saved disc ignored: ${parsed.error.issues[0]?.message ?? 'malformed'}`);
  } catch {
    console.warn('saved disc ignored: not JSON');
  }
  return null;
}

/** A title as it may go on the disc: control characters out, at most 80 characters. */
function cleanTitle(title: string): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  return title.replace(/[\u0000-\u001f\u007f]/g, '').slice(0, MAX_TITLE);
}

/** The title an order is placed with: the typed one, or the default when left blank. */
export function orderTitle(title: string): string {
  const trimmed = title.trim();
  return discTitle.safeParse(trimmed).success ? trimmed : DEFAULT_DISC_TITLE;
}

/**
 * The disc a patron is building. It survives a reload of the page (kept in `storage`, which is
 * the page's sessionStorage, so it never outlives the browser session nor reaches another
 * terminal). `limits` reads the terminal's limits from the core's state; without them nothing
 * can be added.
 */
export function createDiscStore(
  limits: () => DiscLimits | null,
  storage: TextStorage = memoryStorage(),
): DiscStore {
  const saved = load(storage);
  let nextKey = Math.max(0, ...(saved?.entries.map((e) => e.key) ?? [])) + 1;
  const store = createStore<DiscState>()((set, get) => {
    const reorder = (from: number, to: number): void => {
      const entries = [...get().entries];
      if (from < 0 || from >= entries.length || to < 0 || to >= entries.length || from === to) {
        return;
      }
      const [moved] = entries.splice(from, 1);
      entries.splice(to, 0, moved!);
      set({ entries });
    };
    const indexOf = (key: number): number => get().entries.findIndex((e) => e.key === key);
    return {
      entries: saved?.entries ?? [],
      title: saved ? cleanTitle(saved.title) : DEFAULT_DISC_TITLE,
      add(track) {
        const current = limits();
        if (!current) {
          return { code: 'not-ready', message: 'The terminal is starting, please wait a moment' };
        }
        const durations = get().entries.map((e) => e.track.durationMs);
        const refusal = addRefusal(current, durations, track.durationMs);
        if (refusal) return refusal;
        set({ entries: [...get().entries, { key: nextKey++, track }] });
        return null;
      },
      remove(key) {
        set({ entries: get().entries.filter((e) => e.key !== key) });
      },
      move: reorder,
      moveUp(key) {
        const i = indexOf(key);
        reorder(i, i - 1);
      },
      moveDown(key) {
        const i = indexOf(key);
        if (i >= 0) reorder(i, i + 1);
      },
      setTitle(title) {
        set({ title: cleanTitle(title) });
      },
      clear() {
        set({ entries: [], title: DEFAULT_DISC_TITLE });
      },
    };
  });
  store.subscribe(({ entries, title }) => {
    try {
      if (entries.length === 0 && title === DEFAULT_DISC_TITLE)
        storage.removeItem(DISC_STORAGE_KEY);
      else storage.setItem(DISC_STORAGE_KEY, JSON.stringify({ entries, title }));
    } catch (err) {
      // Full or disabled storage: the disc still works, it just would not survive a reload.
      console.warn('could not save the disc', err);
    }
  });
  return store;
}
