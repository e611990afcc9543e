import type { KioskApi, TrackSummary } from '@jukebox/protocol';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { errorText } from '../api/error-text.js';
import type { Shortfall } from './pick-offer.js';
import type { ToastStore } from './toast-store.js';

export interface PickState {
  /** The track awaiting confirmation in the sheet, or null when the sheet is closed. */
  track: TrackSummary | null;
  busy: boolean;
  /** Why the last attempt failed, in plain words, shown in the sheet. */
  error: string | null;
  /** The core's last `insufficient_credits` refusal for this pick (see `pickOffer`). */
  shortfall: Shortfall | null;
  pick(track: TrackSummary): void;
  cancel(): void;
  /**
   * Buy the picked track (with `playNext`, at the premium price ahead of the queue); on
   * success close the sheet and toast it. A refusal for credits keeps the pick open.
   */
  confirm(playNext?: boolean): Promise<void>;
}

export type PickStore = StoreApi<PickState>;

/**
 * Song choice: tap a row, confirm in a sheet, enqueue. `credits` reads the balance the UI
 * shows, stamped on a refusal so a later balance can supersede it.
 */
export function createPickStore(
  api: KioskApi,
  toasts: ToastStore,
  credits: () => number = () => 0,
): PickStore {
  return createStore<PickState>()((set, get) => ({
    track: null,
    busy: false,
    error: null,
    shortfall: null,
    pick(track) {
      set({ track, busy: false, error: null, shortfall: null });
    },
    cancel() {
      set({ track: null, busy: false, error: null, shortfall: null });
    },
    async confirm(playNext = false) {
      const { track, busy } = get();
      // A double tap must not queue the song twice.
      if (!track || busy) return;
      set({ busy: true, error: null, shortfall: null });
      const result = await api.enqueue(
        playNext ? { trackId: track.id, playNext } : { trackId: track.id },
      );
      if (get().track !== track) return;
      if (result.ok) {
        set({ track: null, busy: false });
        toasts.getState().show(`${playNext ? 'Playing next' : 'Added to queue'}: ${track.title}`);
      } else if (result.error.code === 'insufficient_credits') {
        // Shown as the insert-money prompt, not as an error: the pick waits for money.
        const missingCredits = result.error.missingCredits ?? 1;
        set({ busy: false, shortfall: { missingCredits, credits: credits() } });
      } else {
        set({ busy: false, error: errorText(result.error) });
      }
    },
  }));
}
