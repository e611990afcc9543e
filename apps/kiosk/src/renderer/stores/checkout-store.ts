import type { DiscProblem, KioskApi, KioskState, OrderView } from '@jukebox/protocol';
import { z } from 'zod';
import { createStore, type StoreApi } from 'zustand/vanilla';
import { retailErrorText } from '../api/error-text.js';
import { creditsText, moneyText } from '../money-text.js';
import { orderTitle, type DiscStore } from './disc-store.js';
import type { Shortfall } from './pick-offer.js';
import { newRequestId } from './pick-store.js';

/** The answer to a voucher, in plain words. */
export interface VoucherMessage {
  ok: boolean;
  text: string;
}

interface CheckoutData {
  voucherCode: string;
  voucherBusy: boolean;
  voucherMessage: VoucherMessage | null;
  /** Optional, for the receipt. */
  name: string;
  email: string;
  /** `quoting` then `placing` while "Burn my CD" runs. */
  phase: 'idle' | 'quoting' | 'placing';
  /** Every problem the core found with the disc (its own sentences). */
  problems: DiscProblem[];
  /** Why the last attempt failed, in plain words. */
  error: string | null;
  /** The core refused for credits, judged on this balance (see `missingForPrice`). */
  shortfall: Shortfall | null;
  /**
   * The id of the order being attempted and what it was for. A retry of the same disc (the
   * answer was lost with the connection) reuses the id, so the core answers with the order
   * already paid for instead of charging twice; a changed disc or receipt gets a new one.
   */
  attempt: { requestId: string; fingerprint: string } | null;
  /** The order just placed, shown by the confirmation until the core's state lists it. */
  placed: OrderView | null;
}

export interface CheckoutState extends CheckoutData {
  setVoucherCode(code: string): void;
  setName(name: string): void;
  setEmail(email: string): void;
  redeemVoucher(): Promise<void>;
  /** Quote the disc, then order and pay for it; on success the draft disc is cleared. */
  burn(): Promise<void>;
  /** Forget everything typed and tried (a new patron). */
  reset(): void;
}

export type CheckoutStore = StoreApi<CheckoutState>;

const voucherCode = z.string().trim().min(4).max(32);
const customerEmail = z.email().max(200);

const fresh = (): CheckoutData => ({
  voucherCode: '',
  voucherBusy: false,
  voucherMessage: null,
  name: '',
  email: '',
  phase: 'idle',
  problems: [],
  error: null,
  shortfall: null,
  attempt: null,
  placed: null,
});

/** The receipt contact as placeOrder takes it, or a sentence saying what is wrong with it. */
function customerOf(name: string, email: string): { name?: string; email?: string } | string {
  const customer: { name?: string; email?: string } = {};
  if (name.trim()) customer.name = name.trim();
  if (email.trim()) {
    const parsed = customerEmail.safeParse(email.trim());
    if (!parsed.success)
      return 'That email address does not look right. Check it, or leave it empty.';
    customer.email = parsed.data;
  }
  return customer;
}

/**
 * Checkout of the draft disc: vouchers, the receipt contact, and "Burn my CD" (quote first,
 * showing every problem the core reports, then order). `state` reads the core's last state for
 * the balance and currency; `onPlaced` runs with each new order (the UI shows it).
 */
export function createCheckoutStore(
  api: KioskApi,
  disc: DiscStore,
  state: () => KioskState | null,
  onPlaced: (order: OrderView) => void = () => {},
  requestIds: () => string = newRequestId,
): CheckoutStore {
  const amount = (n: number): string => {
    const s = state();
    return s ? moneyText(n, s.pricing) : creditsText(n);
  };

  async function place(title: string, trackIds: number[], customer: object): Promise<void> {
    const fingerprint = JSON.stringify({ title, trackIds, customer });
    const previous = attemptFor(fingerprint);
    const result = await api.placeOrder({
      requestId: previous.requestId,
      title,
      trackIds,
      ...(Object.keys(customer).length > 0 ? { customer } : {}),
    });
    if (result.ok) {
      disc.getState().clear();
      store.setState({ ...fresh(), placed: result.value });
      onPlaced(result.value);
    } else if (result.error.code === 'insufficient_credits') {
      const missingCredits = result.error.missingCredits ?? 1;
      const credits = state()?.credits ?? 0;
      store.setState({ phase: 'idle', shortfall: { missingCredits, credits } });
    } else if (result.error.code === 'bad_request') {
      // placeOrder names the limit the disc breaks; that is worth reading.
      store.setState({ phase: 'idle', error: `This disc cannot be made: ${result.error.message}` });
    } else {
      store.setState({ phase: 'idle', error: retailErrorText(result.error) });
    }
  }

  /** The attempt for this content: the last one again when nothing changed since. */
  function attemptFor(fingerprint: string): { requestId: string } {
    const previous = store.getState().attempt;
    const attempt =
      previous?.fingerprint === fingerprint ? previous : { requestId: requestIds(), fingerprint };
    store.setState({ phase: 'placing', attempt });
    return attempt;
  }

  const store = createStore<CheckoutState>()((set, get) => ({
    ...fresh(),
    setVoucherCode(code) {
      set({ voucherCode: code.toUpperCase().slice(0, 32), voucherMessage: null });
    },
    setName(name) {
      set({ name: name.slice(0, 100), error: null });
    },
    setEmail(email) {
      set({ email: email.toLowerCase().slice(0, 200), error: null });
    },
    async redeemVoucher() {
      if (get().voucherBusy) return;
      const code = voucherCode.safeParse(get().voucherCode);
      if (!code.success) {
        const text = 'A voucher code has 4 to 32 characters. Please check it.';
        set({ voucherMessage: { ok: false, text } });
        return;
      }
      set({ voucherBusy: true, voucherMessage: null });
      const result = await api.redeemVoucher({ code: code.data });
      if (result.ok) {
        const text = `Voucher accepted: ${amount(result.value.credits)} added`;
        // A refusal for credits was judged on the balance before the voucher.
        set({
          voucherBusy: false,
          voucherCode: '',
          voucherMessage: { ok: true, text },
          shortfall: null,
        });
        return;
      }
      let text: string;
      if (result.error.code === 'not_found') {
        text = 'We do not know this voucher code. Please check it and try again.';
      } else if (result.error.code === 'bad_request') {
        // A code that exists but cannot be redeemed (again).
        text = 'This voucher has already been used or is no longer valid.';
      } else {
        text = retailErrorText(result.error);
      }
      set({ voucherBusy: false, voucherMessage: { ok: false, text } });
    },
    async burn() {
      // A double tap must not order twice.
      if (get().phase !== 'idle') return;
      const entries = disc.getState().entries;
      if (entries.length === 0) {
        set({ error: 'Your disc is empty. Add some tracks first.' });
        return;
      }
      const customer = customerOf(get().name, get().email);
      if (typeof customer === 'string') {
        set({ error: customer });
        return;
      }
      const trackIds = entries.map((e) => e.track.id);
      const title = orderTitle(disc.getState().title);
      set({ phase: 'quoting', problems: [], error: null, shortfall: null });
      const quote = await api.quoteDisc({ trackIds });
      if (!quote.ok) {
        set({ phase: 'idle', error: retailErrorText(quote.error) });
        return;
      }
      if (quote.value.problems.length > 0) {
        set({ phase: 'idle', problems: quote.value.problems });
        return;
      }
      const now = state();
      if (now && !now.pricing.freePlay && now.credits < quote.value.price) {
        const shortfall = { missingCredits: quote.value.price - now.credits, credits: now.credits };
        set({ phase: 'idle', shortfall });
        return;
      }
      await place(title, trackIds, customer);
    },
    reset() {
      set(fresh());
    },
  }));
  return store;
}

/**
 * Credits still to insert for `price`. The local balance decides; a core refusal counts only
 * while the balance is the one it was judged on, so money arriving clears it at once.
 */
export function missingForPrice(
  state: KioskState | null,
  price: number,
  shortfall: Shortfall | null,
): number {
  if (!state || state.pricing.freePlay) return 0;
  const local = Math.max(0, price - state.credits);
  const core = shortfall && shortfall.credits === state.credits ? shortfall.missingCredits : 0;
  return Math.max(local, core);
}
