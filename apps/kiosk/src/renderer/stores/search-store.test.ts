import type { ApiResult, KioskResult } from '@jukebox/protocol';
import { describe, expect, it } from 'vitest';
import { deferred, FakeApi } from '../api/fake-api.test-util.js';
import { sampleTrack } from '../api/sample-data.test-util.js';
import { createSearchStore } from './search-store.js';

type Reply = ApiResult<KioskResult<'search'>>;
const found = (title: string): Reply => ({
  ok: true,
  value: { tracks: [sampleTrack({ title })], artists: [], albums: [] },
});

describe('search store', () => {
  it('sends a query on every key and drops replies to older queries', async () => {
    const replies = new Map<string, ReturnType<typeof deferred<Reply>>>();
    const fake = new FakeApi().handle('search', (params) => {
      const d = deferred<Reply>();
      replies.set((params as { query: string }).query, d);
      return d.promise;
    });
    const store = createSearchStore(fake.api);
    store.getState().type('A');
    store.getState().type('B');
    expect(fake.calls.map((c) => c.params)).toEqual([{ query: 'A' }, { query: 'AB' }]);

    replies.get('AB')!.resolve(found('newer'));
    await replies.get('AB')!.promise;
    replies.get('A')!.resolve(found('older'));
    await replies.get('A')!.promise;
    await Promise.resolve();

    expect(store.getState().resultsFor).toBe('AB');
    expect(store.getState().results?.tracks[0]?.title).toBe('newer');
  });

  it('edits the query with backspace and clear, and clears results without a call', async () => {
    const fake = new FakeApi().handle('search', async () => found('x'));
    const store = createSearchStore(fake.api);
    store.getState().type('Q');
    store.getState().type(' ');
    store.getState().backspace();
    expect(store.getState().query).toBe('Q');
    store.getState().clear();
    expect(store.getState().query).toBe('');
    expect(store.getState().results).toBeNull();
    expect(fake.calls).toHaveLength(3);
  });

  it('shows an error in plain words when search fails', async () => {
    const fake = new FakeApi().handle('search', async () => ({
      ok: false,
      error: { code: 'unavailable', message: 'socket closed' },
    }));
    const store = createSearchStore(fake.api);
    store.getState().type('Z');
    await Promise.resolve();
    await Promise.resolve();
    expect(store.getState().error).toMatch(/not responding/);
  });

  it('asks for the song typed once, and says why when the request fails', async () => {
    let fail = false;
    const fake = new FakeApi()
      .handle('search', async () => found('x'))
      .handle('requestSong', async () =>
        fail
          ? { ok: false, error: { code: 'unavailable', message: 'core gone' } }
          : { ok: true, value: { id: 1, repeated: false } },
      );
    const store = createSearchStore(fake.api);
    store.getState().setQuery('Purple Rain ');
    await store.getState().requestSong();
    await store.getState().requestSong(); // a second tap sends nothing more
    expect(fake.calls.filter((c) => c.method === 'requestSong').map((c) => c.params)).toEqual([
      { text: 'Purple Rain' },
    ]);
    expect(store.getState().requested).toBe('Purple Rain');
    fail = true;
    store.getState().setQuery('Heroes');
    await store.getState().requestSong();
    expect(store.getState().requested).toBeNull();
    expect(store.getState().requestError).not.toBeNull();
  });
});
