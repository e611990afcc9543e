import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeApi } from '../api/fake-api.test-util.js';
import {
  sampleOrder,
  sampleRetailState,
  sampleState,
  sampleTrack,
} from '../api/sample-data.test-util.js';
import { memoryStorage } from './disc-store.js';
import { createStores, currentScreen, pickOffer, type AudioLike } from './index.js';

describe('createStores', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('routes core events to the stores and uses the core idle timeout', async () => {
    const fake = new FakeApi().handle('getState', async () => ({
      ok: true,
      value: sampleState({ attractAfterSeconds: 30 }),
    }));
    const stores = createStores(fake.api);
    const stop = stores.start();
    await vi.waitFor(() => expect(stores.kiosk.getState().state).not.toBeNull());

    fake.emit({ type: 'notice', level: 'warning', message: 'Bill acceptor jammed' });
    expect(stores.toasts.getState().toasts[0]).toMatchObject({
      level: 'warning',
      text: 'Bill acceptor jammed',
    });
    fake.emit({ type: 'state', state: sampleState({ credits: 4, attractAfterSeconds: 30 }) });
    expect(stores.kiosk.getState().state?.credits).toBe(4);

    stores.nav.getState().push({ name: 'search' });
    stores.search.getState().setQuery('abc');
    stores.pick.getState().pick(sampleTrack());
    // The UI calls touch() on every pointer-down; the last touch starts the countdown.
    stores.idle.getState().touch();
    vi.advanceTimersByTime(29_999);
    expect(currentScreen(stores.nav.getState()).name).toBe('search');
    vi.advanceTimersByTime(1);
    expect(currentScreen(stores.nav.getState()).name).toBe('attract');
    expect(stores.search.getState().query).toBe('');
    expect(stores.pick.getState().track).toBeNull();

    stop();
    expect(fake.listenerCount).toBe(0);
  });

  it('toasts money feedback and lets a waiting pick through when credits arrive', async () => {
    const paid = (credits: number) =>
      sampleState({
        credits,
        pricing: { freePlay: false, songPrice: 2, playNextPrice: 4, currency: 'USD', minorUnit: 2 },
        money: { coins: 'ok', notes: 'absent', message: null },
      });
    let credits = 0;
    const fake = new FakeApi()
      .handle('getState', async () => ({ ok: true, value: paid(0) }))
      .handle('enqueue', async () =>
        credits >= 2
          ? {
              ok: true,
              value: { entryId: 1, track: sampleTrack(), requestedAt: 'now', playNext: false },
            }
          : {
              ok: false,
              error: {
                code: 'insufficient_credits',
                message: 'short',
                missingCredits: 2 - credits,
              },
            },
      );
    const stores = createStores(fake.api);
    const stop = stores.start();
    await vi.waitFor(() => expect(stores.kiosk.getState().state).not.toBeNull());

    // A coin in attract mode brings up the home screen.
    expect(currentScreen(stores.nav.getState()).name).toBe('attract');
    fake.emit({ type: 'money', money: { kind: 'rejected', acceptor: 'coin', reason: 'slug' } });
    expect(currentScreen(stores.nav.getState()).name).toBe('home');

    stores.pick.getState().pick(sampleTrack());
    await stores.pick.getState().confirm();
    const offerNow = () =>
      pickOffer(stores.kiosk.getState().state, stores.pick.getState().shortfall);
    expect(offerNow()).toMatchObject({ canPlay: false, missingCredits: 2 });

    fake.emit({
      type: 'money',
      money: { kind: 'accepted', acceptor: 'coin', valueCents: 50, credits: 2 },
    });
    credits = 2;
    fake.emit({ type: 'state', state: paid(2) });
    expect(stores.toasts.getState().toasts.map((t) => [t.level, t.text])).toEqual([
      ['warning', 'Coin returned: not recognised'],
      ['info', 'Coin accepted: +2 credits'],
    ]);
    // Same pick, no new tap on the row: the Play button is usable again.
    expect(stores.pick.getState().track).not.toBeNull();
    expect(offerNow()).toMatchObject({ canPlay: true, missingCredits: null });
    await stores.pick.getState().confirm();
    expect(stores.pick.getState().track).toBeNull();
    stop();
  });
});

describe('createStores on a retail terminal', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  async function started(storage = memoryStorage()) {
    const fake = new FakeApi().handle('getState', async () => ({
      ok: true,
      value: sampleRetailState({ attractAfterSeconds: 30 }),
    }));
    const stores = createStores(fake.api, Date.now, { storage });
    const stop = stores.start();
    await vi.waitFor(() => expect(stores.kiosk.getState().state).not.toBeNull());
    return { fake, stores, stop };
  }
  const screen = (stores: ReturnType<typeof createStores>) => currentScreen(stores.nav.getState());

  it('asks "Keep your disc?" at the idle timeout, and clears it when nobody answers', async () => {
    const { stores, stop } = await started();
    stores.nav.getState().push({ name: 'search' });
    stores.disc.getState().add(sampleTrack());
    stores.idle.getState().touch();
    vi.advanceTimersByTime(30_000);
    expect(stores.keepDisc.getState().asking).toBe(true);
    expect(screen(stores).name).toBe('search');
    expect(stores.disc.getState().entries).toHaveLength(1);
    vi.advanceTimersByTime(20_000);
    expect(stores.keepDisc.getState().asking).toBe(false);
    expect(stores.disc.getState().entries).toEqual([]);
    expect(screen(stores).name).toBe('attract');
    stop();
  });

  it('keeps the disc when the patron answers, and goes straight to attract with no disc', async () => {
    const { stores, stop } = await started();
    stores.nav.getState().push({ name: 'search' });
    stores.disc.getState().add(sampleTrack());
    stores.idle.getState().touch();
    vi.advanceTimersByTime(30_000);
    stores.keepDisc.getState().keep();
    vi.advanceTimersByTime(20_000);
    expect(stores.disc.getState().entries).toHaveLength(1);
    expect(screen(stores).name).toBe('search');

    stores.disc.getState().clear();
    stores.idle.getState().touch();
    vi.advanceTimersByTime(30_000);
    expect(stores.keepDisc.getState().asking).toBe(false);
    expect(screen(stores).name).toBe('attract');
    stop();
  });

  it('money at the slot answers the question, and its toast speaks money', async () => {
    const { fake, stores, stop } = await started();
    stores.nav.getState().push({ name: 'search' });
    stores.disc.getState().add(sampleTrack());
    vi.advanceTimersByTime(30_000);
    expect(stores.keepDisc.getState().asking).toBe(true);
    fake.emit({
      type: 'money',
      money: { kind: 'accepted', acceptor: 'note', valueCents: 500, credits: 500 },
    });
    expect(stores.keepDisc.getState().asking).toBe(false);
    expect(stores.toasts.getState().toasts.map((t) => t.text)).toEqual(['Note accepted: +$5.00']);
    vi.advanceTimersByTime(20_000);
    expect(stores.disc.getState().entries).toHaveLength(1);
    stop();
  });

  it('stops a preview when the screen changes', async () => {
    const { stores, stop } = await started();
    const audio: AudioLike = {
      src: '',
      currentTime: 0,
      duration: 30,
      play: async () => {},
      pause: () => {},
      load: () => {},
      removeAttribute: () => {},
      addEventListener: () => {},
      removeEventListener: () => {},
    };
    stores.preview.getState().attach(audio);
    stores.nav.getState().push({ name: 'letters', by: 'title' });
    stores.preview.getState().toggle(4);
    expect(stores.preview.getState().trackId).toBe(4);
    stores.nav.getState().back();
    expect(stores.preview.getState().trackId).toBeNull();
    stop();
  });

  it('after a reload with a disc kept, opens on the catalogue, not the slideshow', async () => {
    const storage = memoryStorage();
    const first = await started(storage);
    first.stores.disc.getState().add(sampleTrack({ id: 8 }));
    first.stop();
    const second = await started(storage);
    expect(second.stores.disc.getState().entries.map((e) => e.track.id)).toEqual([8]);
    expect(screen(second.stores).name).toBe('home');
    second.stop();
  });

  it('shows a placed order with Back leading home', async () => {
    const { fake, stores, stop } = await started();
    fake
      .handle('quoteDisc', async () => ({
        ok: true,
        value: {
          trackCount: 1,
          durationMs: 448_000,
          sectors: 33_750,
          capacitySectors: 360_000,
          price: 899,
          problems: [],
        },
      }))
      .handle('placeOrder', async () => ({ ok: true, value: sampleOrder() }));
    fake.emit({ type: 'state', state: sampleRetailState({ credits: 899 }) });
    stores.disc.getState().add(sampleTrack());
    stores.nav.getState().push({ name: 'checkout' });
    await stores.checkout.getState().burn();
    expect(screen(stores)).toEqual({ name: 'order', trackingNumber: '7K3M-9QXP-2D4F' });
    stores.nav.getState().back();
    expect(screen(stores).name).toBe('home');
    stop();
  });
});
