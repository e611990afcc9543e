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
  /**
   * Id sent with every attempt to buy the track in the sheet: when an answer is lost with the
   * connection and the patron taps again, the core answers with the song already bought
   * instead of charging twice. A new sheet gets a new id.
   */
  requestId: string;
  pick(track: TrackSummary): void;
  cancel(): void;
  /**
   * Buy the picked track (with `playNext`, at the premium price ahead of the queue); on
   * success close the sheet and toast it. A refusal for credits keeps the pick open.
   */
  confirm(playNext?: boolean): Promise<void>;
}

export type PickStore = StoreApi<PickState>;

/** 128 random bits, URL-safe (the core accepts 8-64 of A-Z a-z 0-9 _ -). */
export function newRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * Song choice: tap a row, confirm in a sheet, enqueue. `credits` reads the balance the UI
 * shows, stamped on a refusal so a later balance can supersede it.
 */
export function createPickStore(
  api: KioskApi,
  toasts: ToastStore,
  credits: () => number = () => 0,
  requestIds: () => string = newRequestId,
): PickStore {
  return createStore<PickState>()((set, get) => ({
    track: null,
    busy: false,
    error: null,
    shortfall: null,
    requestId: requestIds(),
    pick(track) {
      set({ track, busy: false, error: null, shortfall: null, requestId: requestIds() });
    },
    cancel() {
      set({ track: null, busy: false, error: null, shortfall: null });
    },
    async confirm(playNext = false) {
      const { track, busy, requestId } = get();
      // A double tap must not queue the song twice.
      if (!track || busy) return;
      set({ busy: true, error: null, shortfall: null });
      const result = await api.enqueue(
        playNext ? { trackId: track.id, playNext, requestId } : { trackId: track.id, requestId },
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
