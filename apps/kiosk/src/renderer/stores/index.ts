import type { KioskApi } from '@jukebox/protocol';
import { createCheckoutStore, type CheckoutStore } from './checkout-store.js';
import { createDiscStore, type DiscStore, type TextStorage } from './disc-store.js';
import { createIdleStore, type IdleStore } from './idle-store.js';
import { createKeepDiscStore, type KeepDiscStore } from './keep-disc-store.js';
import { createKioskStore, type KioskStore } from './kiosk-store.js';
import { createNavStore, currentScreen, type NavStore } from './nav-store.js';
import { createPickStore, newRequestId, type PickStore } from './pick-store.js';
import { createPreviewStore, type PreviewStore } from './preview-store.js';
import { createSearchStore, type SearchStore } from './search-store.js';
import { createToastStore, type ToastStore } from './toast-store.js';
import { moneyFeedbackText, moneyText } from '../money-text.js';

export { interpolatedPositionMs } from './kiosk-store.js';
export { currentScreen, type Screen } from './nav-store.js';
export type { Toast } from './toast-store.js';
export { pickOffer, type PickOffer, type Shortfall } from './pick-offer.js';
export type { SearchResults } from './search-store.js';
export { DEFAULT_DISC_TITLE, type DiscEntry, type TextStorage } from './disc-store.js';
export { missingForPrice } from './checkout-store.js';
export type { AudioLike } from './preview-store.js';

/** Every store of the UI, created together because they call each other. */
export interface Stores {
  api: KioskApi;
  kiosk: KioskStore;
  nav: NavStore;
  idle: IdleStore;
  toasts: ToastStore;
  search: SearchStore;
  pick: PickStore;
  /** Retail: the disc being built, its checkout, browsing previews, the idle question. */
  disc: DiscStore;
  checkout: CheckoutStore;
  preview: PreviewStore;
  keepDisc: KeepDiscStore;
  /** Subscribe to the core and load the first state; returns the teardown. */
  start(): () => void;
}

export interface StoresOptions {
  /** Where the retail draft disc survives a reload: the page's sessionStorage. */
  storage?: TextStorage;
  /** Ids for idempotent picks and orders. */
  requestIds?: () => string;
}

/** Build the stores around one API and wire core events and the idle timer into them. */
export function createStores(
  api: KioskApi,
  now: () => number = Date.now,
  options: StoresOptions = {},
): Stores {
  const requestIds = options.requestIds ?? newRequestId;
  const kiosk = createKioskStore(api, now);
  const nav = createNavStore();
  const toasts = createToastStore();
  const search = createSearchStore(api);
  const state = () => kiosk.getState().state;
  const pick = createPickStore(api, toasts, () => state()?.credits ?? 0, requestIds);
  const disc = createDiscStore(() => state()?.retail ?? null, options.storage);
  const preview = createPreviewStore(api, toasts);
  const checkout = createCheckoutStore(
    api,
    disc,
    state,
    (order) => {
      // Back from the confirmation leads to browsing, not to the checkout of a paid disc.
      nav.getState().home();
      nav.getState().push({ name: 'order', trackingNumber: order.trackingNumber });
    },
    requestIds,
  );

  // Leave nothing half-done for the next patron.
  function leaveForAttract(): void {
    pick.getState().cancel();
    search.getState().clear();
    preview.getState().stop();
    checkout.getState().reset();
    disc.getState().clear();
    keepDisc.getState().keep();
    nav.getState().attract();
  }
  const keepDisc = createKeepDiscStore(leaveForAttract);
  const idle = createIdleStore(() => {
    // A half-built disc is worth a question: the patron may only have been reading.
    if (state()?.mode === 'retail' && disc.getState().entries.length > 0) keepDisc.getState().ask();
    else leaveForAttract();
  });

  function start(): () => void {
    const offEvents = api.onEvent((event) => {
      if (event.type === 'notice') toasts.getState().show(event.message, event.level);
      else if (event.type === 'money') {
        // Someone is at the slot: leave attract mode so the credits and the songs are in view.
        idle.getState().touch();
        keepDisc.getState().keep();
        if (currentScreen(nav.getState()).name === 'attract') nav.getState().home();
        const s = state();
        // On a retail terminal a credit is a minor unit of money: say "+$1.00", not "+100".
        const amount = s?.mode === 'retail' ? (n: number) => moneyText(n, s.pricing) : undefined;
        const text = moneyFeedbackText(event.money, amount);
        toasts.getState().show(text, event.money.kind === 'accepted' ? 'info' : 'warning');
      } else kiosk.getState().applyEvent(event);
    });
    const offState = kiosk.subscribe((s) => {
      if (s.state) idle.getState().setTimeoutMs(s.state.attractAfterSeconds * 1000);
    });
    // A preview belongs to the list it was started from.
    const offNav = nav.subscribe((s, prev) => {
      if (currentScreen(s) !== currentScreen(prev)) preview.getState().stop();
    });
    // A disc kept over a reload means a patron was building it: show it, not the slideshow.
    if (disc.getState().entries.length > 0) nav.getState().home();
    void kiosk.getState().load();
    idle.getState().touch();
    return () => {
      offEvents();
      offState();
      offNav();
      idle.getState().stop();
      keepDisc.getState().keep();
      preview.getState().stop();
    };
  }

  return { api, kiosk, nav, idle, toasts, search, pick, disc, checkout, preview, keepDisc, start };
}
