import type { KioskState, OrderView, RetailState, TrackSummary } from '@jukebox/protocol';

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

/** A retail terminal's part of the state: 80-minute media, $8.99 for 7 tracks, no orders. */
export function sampleRetail(overrides: Partial<RetailState> = {}): RetailState {
  return {
    media: '80',
    capacitySectors: 360_000,
    pricing: { basePrice: 899, baseTracks: 7, perTrackPrice: 100 },
    limits: { maxTracks: 99, minTrackMs: 4_000 },
    burners: [],
    trackingPage: null,
    orders: [],
    ...overrides,
  };
}

/** A retail terminal's state, paid in US cents. */
export function sampleRetailState(overrides: Partial<KioskState> = {}): KioskState {
  return sampleState({
    box: { id: 'shop-1', name: 'Corner Records' },
    mode: 'retail',
    pricing: { freePlay: false, songPrice: 1, playNextPrice: 1, currency: 'USD', minorUnit: 2 },
    money: { coins: 'ok', notes: 'ok', message: null },
    retail: sampleRetail(),
    ...overrides,
  });
}

export function sampleOrder(overrides: Partial<OrderView> = {}): OrderView {
  return {
    trackingNumber: '7K3M-9QXP-2D4F',
    title: 'My Mix',
    trackCount: 3,
    durationMs: 600_000,
    price: 899,
    status: 'queued',
    progress: null,
    message: null,
    placedAt: '2026-11-22T10:00:00Z',
    events: [],
    ...overrides,
  };
}
