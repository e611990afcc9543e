import type { KioskState } from '@jukebox/protocol';

/** A refusal from the core: how many credits were missing, and the balance it was judged on. */
export interface Shortfall {
  missingCredits: number;
  /** Credits the UI showed when the core refused; a newer balance makes the refusal stale. */
  credits: number;
}

/** What the confirm sheet offers for the picked song, derived from the core's state. */
export interface PickOffer {
  freePlay: boolean;
  songPrice: number;
  playNextPrice: number;
  /** The plain pick can be bought with the credits on the box. */
  canPlay: boolean;
  /** "Play next" is shown: not free play, and its premium price is covered. */
  offerPlayNext: boolean;
  /** Credits to insert before the plain pick is affordable, or null when nothing is missing. */
  missingCredits: number | null;
}

/**
 * Prices and affordability of a pick. The local balance decides first; a core refusal counts
 * only while the balance is the one it was judged on, so a credit arriving by `state` event
 * makes the Play button usable again without picking anew.
 */
export function pickOffer(state: KioskState | null, shortfall: Shortfall | null): PickOffer {
  if (!state) {
    // No snapshot yet: let the core judge the pick rather than block it on missing data.
    return {
      freePlay: true,
      songPrice: 0,
      playNextPrice: 0,
      canPlay: true,
      offerPlayNext: false,
      missingCredits: null,
    };
  }
  const { freePlay, songPrice, playNextPrice } = state.pricing;
  const localMissing = freePlay ? 0 : Math.max(0, songPrice - state.credits);
  const coreMissing = shortfall && shortfall.credits === state.credits ? shortfall : null;
  const missing = coreMissing ? coreMissing.missingCredits : localMissing;
  return {
    freePlay,
    songPrice,
    playNextPrice,
    canPlay: localMissing === 0,
    offerPlayNext: !freePlay && state.credits >= playNextPrice,
    missingCredits: missing > 0 ? missing : null,
  };
}
