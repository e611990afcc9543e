import type { TelemetryRecord } from '@jukebox/protocol';

/*
 * Telemetry as a bar's jukebox produces it: a patron puts a coin or a note in (a ledger
 * credit), spends the credits on songs (a ledger spend each), the songs play (a play each,
 * most to the end), now and then someone asks for a song the box lacks, and the box reports
 * its status. Deterministic for a seed, valid by the wire schemas.
 */

const ARTISTS = [
  'The Rolling Stones',
  'Blondie',
  'Motörhead',
  'Nina Simone',
  'AC/DC',
  'Daft Punk',
  'Édith Piaf',
  'The Clash',
  'Queen',
  'Amy Winehouse',
  'Johnny Cash',
  'Kraftwerk',
];
const WORDS = ['Night', 'Road', 'Heart', 'Fire', 'Rain', 'Gold', 'Blue', 'Train', 'Dance', 'Home'];
/** Coins and notes (value in cents, credits given). */
const MONEY = [
  { denomination: 'EUR1', valueCents: 100, credits: 2 },
  { denomination: 'EUR2', valueCents: 200, credits: 5 },
  { denomination: 'EUR5', valueCents: 500, credits: 12 },
  { denomination: 'EUR0.50', valueCents: 50, credits: 1 },
];

/** A small, fast, seeded random source (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The box's library: 300 fleet tracks with catalog ids. */
function library(
  r: () => number,
): { localTrackId: number; catalogId: string; title: string; artist: string }[] {
  return Array.from({ length: 300 }, (_, i) => ({
    localTrackId: i + 1,
    catalogId: `trk-${i.toString(16).padStart(20, '0')}`,
    title: `${WORDS[Math.floor(r() * WORDS.length)]} ${WORDS[Math.floor(r() * WORDS.length)]}`,
    artist: ARTISTS[Math.floor(r() * ARTISTS.length)]!,
  }));
}

/** `count` records of one box, seq 1..count, a few seconds apart from `startMs` on. */
export function barNight(seed: number, count: number, startMs: number): TelemetryRecord[] {
  const r = random(seed);
  const tracks = library(r);
  const out: TelemetryRecord[] = [];
  let at = startMs;
  let balance = 0;
  let entrySeq = 0;
  let playSeq = 0;
  const push = (make: (seq: number, at: string) => TelemetryRecord) => {
    at += 1000 + Math.floor(r() * 20_000);
    out.push(make(out.length + 1, new Date(at).toISOString()));
  };
  while (out.length < count) {
    const money = MONEY[Math.floor(r() * MONEY.length)]!;
    balance += money.credits;
    push((seq, iso) => ({
      seq,
      at: iso,
      kind: 'ledger',
      data: {
        entrySeq: ++entrySeq,
        kind: 'credit',
        credits: money.credits,
        valueCents: money.valueCents,
        denomination: money.denomination,
        balanceAfter: balance,
      },
    }));
    while (balance > 0 && out.length < count) {
      const track = tracks[Math.floor(r() * tracks.length)]!;
      balance -= 1;
      push((seq, iso) => ({
        seq,
        at: iso,
        kind: 'ledger',
        data: {
          entrySeq: ++entrySeq,
          kind: 'spend',
          credits: -1,
          balanceAfter: balance,
          ref: `queue:${playSeq + 1}`,
        },
      }));
      if (out.length >= count) break;
      const completed = r() < 0.93;
      const lengthMs = 150_000 + Math.floor(r() * 150_000);
      push((seq, iso) => ({
        seq,
        at: iso,
        kind: 'play',
        data: {
          playSeq: ++playSeq,
          catalogId: track.catalogId,
          localTrackId: track.localTrackId,
          title: track.title,
          artist: track.artist,
          startedAt: new Date(Date.parse(iso) - lengthMs).toISOString(),
          endedAt: iso,
          completed,
          playedMs: completed ? lengthMs : Math.floor(lengthMs * r()),
          paidCredits: 1,
        },
      }));
    }
    if (r() < 0.05 && out.length < count) {
      push((seq, iso) => ({
        seq,
        at: iso,
        kind: 'song-request',
        data: {
          text: `${ARTISTS[Math.floor(r() * ARTISTS.length)]} - ${WORDS[seq % WORDS.length]}`,
        },
      }));
    }
    if (r() < 0.02 && out.length < count) {
      push((seq, iso) => ({
        seq,
        at: iso,
        kind: 'status',
        data: {
          software: '1.4.2',
          diskFreeBytes: 20e9,
          diskTotalBytes: 64e9,
          manifestVersion: 7,
          libraryTracks: 300,
        },
      }));
    }
  }
  return out;
}
