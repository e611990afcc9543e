import type { KioskState, TrackSummary } from '@jukebox/protocol';

export function sampleTrack(overrides: Partial<TrackSummary> = {}): TrackSummary {
  return {
    id: 1,
    title: 'Blue Monday',
    artistId: 2,
    artist: 'New Order',
    albumId: 3,
    album: 'Power, Corruption & Lies',
    categoryId: 4,
    category: 'Rock',
    year: 1983,
    durationMs: 448_000,
    explicit: false,
    coverId: null,
    playCount: 0,
    ...overrides,
  };
}

export function sampleState(overrides: Partial<KioskState> = {}): KioskState {
  return {
    box: { id: 'box-1', name: 'Corner Bar' },
    mode: 'jukebox',
    credits: 0,
    pricing: { freePlay: true, songPrice: 1, playNextPrice: 3, currency: 'USD', minorUnit: 2 },
    money: { coins: 'absent', notes: 'absent', message: null },
    volume: 60,
    player: 'idle',
    queue: [],
    nowPlaying: null,
    attractAfterSeconds: 60,
    library: { tracks: 10 },
    retail: null,
    ...overrides,
  };
}
