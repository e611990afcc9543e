import type { ApiResult, KioskResult } from '@jukebox/protocol';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deferred, FakeApi } from '../api/fake-api.test-util.js';
import { sampleTrack } from '../api/sample-data.test-util.js';
import { createPickStore } from './pick-store.js';
import { createToastStore } from './toast-store.js';

type Reply = ApiResult<KioskResult<'enqueue'>>;

describe('pick store', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('enqueues once on a double tap, closes the sheet and toasts the title', async () => {
    const reply = deferred<Reply>();
    const fake = new FakeApi().handle('enqueue', () => reply.promise);
    const toasts = createToastStore(4_000);
    const pick = createPickStore(fake.api, toasts);
    const track = sampleTrack({ id: 12, title: 'Song Two' });
    pick.getState().pick(track);
    const first = pick.getState().confirm();
    const second = pick.getState().confirm();
    reply.resolve({ ok: true, value: { entryId: 1, track, requestedAt: 'now', playNext: false } });
    await Promise.all([first, second]);
    expect(fake.calls).toEqual([
      {
        method: 'enqueue',
        params: { trackId: 12, requestId: expect.stringMatching(/^[0-9a-f]{32}$/) },
      },
    ]);
    expect(pick.getState().track).toBeNull();
    expect(toasts.getState().toasts.map((t) => t.text)).toEqual(['Added to queue: Song Two']);
    vi.advanceTimersByTime(4_000);
    expect(toasts.getState().toasts).toEqual([]);
  });

  it('keeps the sheet open with a plain-words error when the queue is full', async () => {
    const fake = new FakeApi().handle('enqueue', async () => ({
      ok: false,
      error: { code: 'queue_full', message: 'queue has 50 entries' },
    }));
    const pick = createPickStore(fake.api, createToastStore());
    pick.getState().pick(sampleTrack());
    await pick.getState().confirm();
    expect(pick.getState().track).not.toBeNull();
    expect(pick.getState().error).toBe('The queue is full. Please try again after the next song.');
  });

  it('buys play next with playNext and says so', async () => {
    const fake = new FakeApi().handle('enqueue', async () => ({
      ok: true,
      value: { entryId: 2, track: sampleTrack(), requestedAt: 'now', playNext: true },
    }));
    const toasts = createToastStore();
    const pick = createPickStore(fake.api, toasts);
    pick.getState().pick(sampleTrack({ id: 7, title: 'Heroes' }));
    await pick.getState().confirm(true);
    expect(fake.calls).toEqual([
      {
        method: 'enqueue',
        params: { trackId: 7, playNext: true, requestId: expect.stringMatching(/^[0-9a-f]{32}$/) },
      },
    ]);
    expect(toasts.getState().toasts.map((t) => t.text)).toEqual(['Playing next: Heroes']);
  });

  it('keeps the pick on insufficient_credits, stamped with the balance it was judged on', async () => {
    const fake = new FakeApi().handle('enqueue', async () => ({
      ok: false,
      error: { code: 'insufficient_credits', message: 'needs 3', missingCredits: 2 },
    }));
    const pick = createPickStore(fake.api, createToastStore(), () => 1);
    const track = sampleTrack();
    pick.getState().pick(track);
    await pick.getState().confirm(true);
    expect(pick.getState()).toMatchObject({
      track,
      busy: false,
      error: null,
      shortfall: { missingCredits: 2, credits: 1 },
    });
    pick.getState().cancel();
    expect(pick.getState().shortfall).toBeNull();
  });

  it('retries a pick whose answer was lost under the same request id; a new pick gets a new one', async () => {
    let n = 0;
    const replies: Reply[] = [
      { ok: false, error: { code: 'unavailable', message: 'connection lost' } },
      {
        ok: true,
        value: { entryId: 5, track: sampleTrack(), requestedAt: 'now', playNext: false },
      },
      {
        ok: true,
        value: { entryId: 6, track: sampleTrack(), requestedAt: 'now', playNext: false },
      },
    ];
    const fake = new FakeApi().handle('enqueue', async () => replies[n++] as Reply);
    const pick = createPickStore(
      fake.api,
      createToastStore(),
      () => 0,
      () => `req-${n}-${fake.calls.length}`,
    );
    pick.getState().pick(sampleTrack({ id: 3 }));
    await pick.getState().confirm();
    expect(pick.getState().error).not.toBeNull();
    await pick.getState().confirm();
    pick.getState().pick(sampleTrack({ id: 4 }));
    await pick.getState().confirm();
    const ids = fake.calls.map((c) => (c.params as { requestId: string }).requestId);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).not.toBe(ids[0]);
  });
});
