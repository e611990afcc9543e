import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FakeApi } from '../api/fake-api.test-util.js';
import { sampleState, sampleTrack } from '../api/sample-data.test-util.js';
import { createStores, currentScreen, pickOffer } from './index.js';

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
