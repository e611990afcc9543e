import { afterEach, describe, expect, it, vi } from 'vitest';
import { sampleRetail, sampleTrack } from '../api/sample-data.test-util.js';
import {
  createDiscStore,
  DISC_STORAGE_KEY,
  memoryStorage,
  orderTitle,
  type TextStorage,
} from './disc-store.js';

const limits = () => sampleRetail();
const track = (id: number, durationMs = 200_000) =>
  sampleTrack({ id, title: `Song ${id}`, durationMs });
const ids = (store: ReturnType<typeof createDiscStore>) =>
  store.getState().entries.map((e) => e.track.id);

describe('disc store', () => {
  afterEach(() => vi.restoreAllMocks());

  it('adds tracks in order, the same track twice as two entries, and removes one entry', () => {
    const disc = createDiscStore(limits);
    expect(disc.getState().add(track(1))).toBeNull();
    expect(disc.getState().add(track(2))).toBeNull();
    expect(disc.getState().add(track(1))).toBeNull();
    expect(ids(disc)).toEqual([1, 2, 1]);
    const keys = disc.getState().entries.map((e) => e.key);
    expect(new Set(keys).size).toBe(3);
    disc.getState().remove(keys[2]!);
    expect(ids(disc)).toEqual([1, 2]);
  });

  it('reorders by index and by one step, ignoring moves past either end', () => {
    const disc = createDiscStore(limits);
    for (const id of [1, 2, 3, 4]) disc.getState().add(track(id));
    disc.getState().move(0, 2);
    expect(ids(disc)).toEqual([2, 3, 1, 4]);
    disc.getState().move(3, 0);
    expect(ids(disc)).toEqual([4, 2, 3, 1]);
    const [first, , , last] = disc.getState().entries;
    disc.getState().moveUp(first!.key);
    disc.getState().moveDown(last!.key);
    disc.getState().move(0, 9);
    disc.getState().move(-1, 0);
    expect(ids(disc)).toEqual([4, 2, 3, 1]);
    disc.getState().moveDown(first!.key);
    expect(ids(disc)).toEqual([2, 4, 3, 1]);
    disc.getState().moveUp(last!.key);
    expect(ids(disc)).toEqual([2, 4, 1, 3]);
  });

  it('holds the disc to the limits: too short, 99 tracks, capacity; nothing before the state', () => {
    const disc = createDiscStore(limits);
    expect(disc.getState().add(track(1, 3_000))?.code).toBe('track-too-short');
    for (let i = 0; i < 99; i++) expect(disc.getState().add(track(2, 5_000))).toBeNull();
    expect(disc.getState().add(track(3, 5_000))?.code).toBe('too-many-tracks');
    expect(disc.getState().entries).toHaveLength(99);

    const long = createDiscStore(limits);
    expect(long.getState().add(track(4, 40 * 60_000))).toBeNull();
    expect(long.getState().add(track(5, 40 * 60_000))?.code).toBe('over-capacity');
    expect(ids(long)).toEqual([4]);

    const early = createDiscStore(() => null);
    expect(early.getState().add(track(1))?.code).toBe('not-ready');
  });

  it('keeps the title to 80 printable characters and orders blank titles as "My Mix"', () => {
    const disc = createDiscStore(limits);
    expect(disc.getState().title).toBe('My Mix');
    disc.getState().setTitle('ROAD\u0007 TRIP\n');
    expect(disc.getState().title).toBe('ROAD TRIP');
    disc.getState().setTitle('X'.repeat(100));
    expect(disc.getState().title).toHaveLength(80);
    expect(orderTitle('  ')).toBe('My Mix');
    expect(orderTitle(' SUMMER ')).toBe('SUMMER');
  });

  it('survives a reload through its storage, and clear forgets it there', () => {
    const storage = memoryStorage();
    const before = createDiscStore(limits, storage);
    before.getState().add(track(7));
    before.getState().add(track(8));
    before.getState().setTitle('PARTY');
    const after = createDiscStore(limits, storage);
    expect(ids(after)).toEqual([7, 8]);
    expect(after.getState().title).toBe('PARTY');
    // New entries do not reuse the keys of the restored ones.
    after.getState().add(track(7));
    expect(new Set(after.getState().entries.map((e) => e.key)).size).toBe(3);
    after.getState().clear();
    expect(storage.getItem(DISC_STORAGE_KEY)).toBeNull();
    expect(createDiscStore(limits, storage).getState().entries).toEqual([]);
  });

  it('ignores a saved disc that is not JSON or not a disc, and starts empty', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    for (const saved of [
      '{not json',
      'null',
      JSON.stringify({ entries: [{ key: 1, track: { id: 'x' } }], title: 'A' }),
      JSON.stringify({ entries: [], title: 'T'.repeat(81) }),
      JSON.stringify({
        entries: [
          { key: 1, track: track(1) },
          { key: 1, track: track(2) },
        ],
        title: 'dup keys',
      }),
    ]) {
      const storage = memoryStorage();
      storage.setItem(DISC_STORAGE_KEY, saved);
      const disc = createDiscStore(limits, storage);
      expect(disc.getState().entries, saved).toEqual([]);
      expect(disc.getState().title).toBe('My Mix');
    }
    expect(warn).toHaveBeenCalled();
  });

  it('works on when the storage refuses to read or write', () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const broken: TextStorage = {
      getItem: () => {
        throw new Error('SecurityError');
      },
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
      removeItem: () => {},
    };
    const disc = createDiscStore(limits, broken);
    expect(disc.getState().add(track(1))).toBeNull();
    expect(ids(disc)).toEqual([1]);
  });
});
