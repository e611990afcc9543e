import type { KioskApi, KioskEvent, KioskState } from '@jukebox/protocol';
import { createStore, type StoreApi } from 'zustand/vanilla';

export interface KioskStoreState {
  /** The core's last snapshot; null until the first `getState` answers. */
  state: KioskState | null;
  /** Playback position of `state.nowPlaying` as of `positionAt`. */
  positionMs: number;
  /** Local clock (ms) when `positionMs` was true. */
  positionAt: number;
  /** Patron-facing reason the first load failed, if it did. */
  loadError: string | null;
  /** Ask the core for a fresh snapshot. */
  load(): Promise<void>;
  /** Apply a pushed `state` or `position` event (others are ignored here). */
  applyEvent(event: KioskEvent): void;
}

export type KioskStore = StoreApi<KioskStoreState>;

/**
 * Store of the core's state. The core sends `position` only every so often, so the position
 * is kept as (value, local time) and interpolated with `interpolatedPositionMs` when drawn.
 */
export function createKioskStore(api: KioskApi, now: () => number = Date.now): KioskStore {
  return createStore<KioskStoreState>()((set, get) => ({
    state: null,
    positionMs: 0,
    positionAt: now(),
    loadError: null,
    async load() {
      const result = await api.getState({});
      if (result.ok) get().applyEvent({ type: 'state', state: result.value });
      else if (!get().state) set({ loadError: result.error.message });
    },
    applyEvent(event) {
      if (event.type === 'state') {
        const playing = event.state.nowPlaying;
        set({
          state: event.state,
          loadError: null,
          positionMs: playing?.positionMs ?? 0,
          positionAt: now(),
        });
      } else if (event.type === 'position') {
        // A position for another entry means a track change whose state event is on its way.
        if (get().state?.nowPlaying?.entryId !== event.entryId) return;
        set({ positionMs: event.positionMs, positionAt: now() });
      }
    },
  }));
}

/** Where playback is at local time `at`: the last known position moved on while playing. */
export function interpolatedPositionMs(
  s: Pick<KioskStoreState, 'state' | 'positionMs' | 'positionAt'>,
  at: number,
): number {
  const playing = s.state?.nowPlaying;
  if (!playing) return 0;
  const elapsed = s.state?.player === 'playing' ? Math.max(0, at - s.positionAt) : 0;
  return Math.min(s.positionMs + elapsed, playing.durationMs);
}
