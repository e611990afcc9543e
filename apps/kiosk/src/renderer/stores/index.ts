import type { KioskApi } from '@jukebox/protocol';
import { createIdleStore, type IdleStore } from './idle-store.js';
import { createKioskStore, type KioskStore } from './kiosk-store.js';
import { createNavStore, currentScreen, type NavStore } from './nav-store.js';
import { createPickStore, type PickStore } from './pick-store.js';
import { createSearchStore, type SearchStore } from './search-store.js';
import { createToastStore, type ToastStore } from './toast-store.js';
import { moneyFeedbackText } from '../money-text.js';

export { interpolatedPositionMs } from './kiosk-store.js';
export { currentScreen, type Screen } from './nav-store.js';
export type { Toast } from './toast-store.js';
export { pickOffer, type PickOffer, type Shortfall } from './pick-offer.js';
export type { SearchResults } from './search-store.js';

/** Every store of the UI, created together because they call each other. */
export interface Stores {
  api: KioskApi;
  kiosk: KioskStore;
  nav: NavStore;
  idle: IdleStore;
  toasts: ToastStore;
  search: SearchStore;
  pick: PickStore;
  /** Subscribe to the core and load the first state; returns the teardown. */
  start(): () => void;
}

/** Build the stores around one API and wire core events and the idle timer into them. */
export function createStores(api: KioskApi, now: () => number = Date.now): Stores {
  const kiosk = createKioskStore(api, now);
  const nav = createNavStore();
  const toasts = createToastStore();
  const search = createSearchStore(api);
  const pick = createPickStore(api, toasts, () => kiosk.getState().state?.credits ?? 0);
  const idle = createIdleStore(() => {
    // Leave nothing half-done for the next patron.
    pick.getState().cancel();
    search.getState().clear();
    nav.getState().attract();
  });

  function start(): () => void {
    const offEvents = api.onEvent((event) => {
      if (event.type === 'notice') toasts.getState().show(event.message, event.level);
      else if (event.type === 'money') {
        // Someone is at the slot: leave attract mode so the credits and the songs are in view.
        idle.getState().touch();
        if (currentScreen(nav.getState()).name === 'attract') nav.getState().home();
        const text = moneyFeedbackText(event.money);
        toasts.getState().show(text, event.money.kind === 'accepted' ? 'info' : 'warning');
      } else kiosk.getState().applyEvent(event);
    });
    const offState = kiosk.subscribe((s) => {
      if (s.state) idle.getState().setTimeoutMs(s.state.attractAfterSeconds * 1000);
    });
    void kiosk.getState().load();
    idle.getState().touch();
    return () => {
      offEvents();
      offState();
      idle.getState().stop();
    };
  }

  return { api, kiosk, nav, idle, toasts, search, pick, start };
}
