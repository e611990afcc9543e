import type { KioskApi, KioskResult } from '@jukebox/protocol';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { errorText } from '../api/error-text.js';

export type SearchResults = KioskResult<'search'>;

export interface SearchState {
  query: string;
  results: SearchResults | null;
  /** Results shown belong to this query (may lag `query` while a reply is on its way). */
  resultsFor: string;
  error: string | null;
  /** The text last sent as a song request (the button turns into a thank-you for it). */
  requested: string | null;
  /** Why the last song request failed, in plain words. */
  requestError: string | null;
  setQuery(query: string): void;
  /** Ask the operator for the song typed (it goes up to the fleet server). */
  requestSong(): Promise<void>;
  type(key: string): void;
  backspace(): void;
  clear(): void;
}

export type SearchStore = StoreApi<SearchState>;

const MAX_QUERY = 200;

/**
 * On-screen-keyboard search. Every key sends a query at once; replies can come back out of
 * order, so only the reply to the newest query may change the results.
 */
export function createSearchStore(api: KioskApi): SearchStore {
  let latest = 0;
  return createStore<SearchState>()((set, get) => ({
    query: '',
    results: null,
    resultsFor: '',
    error: null,
    requested: null,
    requestError: null,
    async requestSong() {
      const text = get().query.trim();
      if (!text || get().requested === text) return;
      set({ requested: text, requestError: null });
      const result = await api.requestSong({ text });
      if (!result.ok && get().requested === text) {
        set({ requested: null, requestError: errorText(result.error) });
      }
    },
    setQuery(query) {
      const q = query.slice(0, MAX_QUERY);
      const seq = ++latest;
      set({ query: q, requestError: null });
      if (q.trim() === '') {
        set({ results: null, resultsFor: '', error: null });
        return;
      }
      void api.search({ query: q }).then((result) => {
        if (seq !== latest) return;
        if (result.ok) set({ results: result.value, resultsFor: q, error: null });
        else set({ error: errorText(result.error) });
      });
    },
    type(key) {
      get().setQuery(get().query + key);
    },
    backspace() {
      get().setQuery(get().query.slice(0, -1));
    },
    clear() {
      get().setQuery('');
    },
  }));
}
