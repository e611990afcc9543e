import { describe, expect, it } from 'vitest';
import { FakeApi } from '../api/fake-api.test-util.js';
import { sampleState, sampleTrack } from '../api/sample-data.test-util.js';
import { createKioskStore, interpolatedPositionMs } from './kiosk-store.js';

const playing = (positionMs: number, player: 'playing' | 'stopped' = 'playing') =>
  sampleState({
    player,
    nowPlaying: {
      entryId: 7,
      playSeq: 1,
      track: sampleTrack(),
      positionMs,
      durationMs: 10_000,
      startedAt: '2026-01-01T00:00:00Z',
    },
  });

describe('kiosk store', () => {
  it('loads the state from getState', async () => {
    const fake = new FakeApi().handle('getState', async () => ({
      ok: true,
      value: playing(1_000),
    }));
    const store = createKioskStore(fake.api, () => 0);
    await store.getState().load();
    expect(store.getState().state?.box.name).toBe('Corner Bar');
    expect(store.getState().positionMs).toBe(1_000);
  });

  it('keeps the error when the first load fails', async () => {
    const store = createKioskStore(new FakeApi().api);
    await store.getState().load();
    expect(store.getState().state).toBeNull();
    expect(store.getState().loadError).toMatch(/no fake/);
  });

  it('interpolates the position between position events while playing', () => {
    let clock = 1_000;
    const store = createKioskStore(new FakeApi().api, () => clock);
    store.getState().applyEvent({ type: 'state', state: playing(2_000) });
    expect(interpolatedPositionMs(store.getState(), 1_500)).toBe(2_500);
    clock = 5_000;
    store.getState().applyEvent({ type: 'position', entryId: 7, positionMs: 6_000 });
    expect(interpolatedPositionMs(store.getState(), 5_250)).toBe(6_250);
    // Never past the end of the track, never backwards from the last event.
    expect(interpolatedPositionMs(store.getState(), 60_000)).toBe(10_000);
    expect(interpolatedPositionMs(store.getState(), 4_000)).toBe(6_000);
  });

  it('does not move the position when the player is not playing', () => {
    const store = createKioskStore(new FakeApi().api, () => 0);
    store.getState().applyEvent({ type: 'state', state: playing(3_000, 'stopped') });
    expect(interpolatedPositionMs(store.getState(), 9_000)).toBe(3_000);
  });

  it('ignores position events for another entry', () => {
    const store = createKioskStore(new FakeApi().api, () => 0);
    store.getState().applyEvent({ type: 'state', state: playing(3_000) });
    store.getState().applyEvent({ type: 'position', entryId: 8, positionMs: 9_000 });
    expect(store.getState().positionMs).toBe(3_000);
  });

  it('reports position 0 with nothing playing', () => {
    const store = createKioskStore(new FakeApi().api, () => 0);
    store.getState().applyEvent({ type: 'state', state: sampleState() });
    expect(interpolatedPositionMs(store.getState(), 5_000)).toBe(0);
  });
});
