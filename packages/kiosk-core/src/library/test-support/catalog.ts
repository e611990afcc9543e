import type { CatalogRecord } from '@jukebox/protocol';
import { record } from './records.js';

/**
 * Words of the generated catalog. Some share long prefixes (lo, love, lover, lovely), some
 * are accented, a few hold letters that FTS5's tokenizer keeps but `foldKey` folds (ø, æ, ß,
 * ı), and "the", "love" and "night" are common enough that prefixes like "t" or "lo" match
 * more than 5,000 tracks, past the search's word bound.
 */
const words = [
  'love',
  'lover',
  'lovely',
  'lost',
  'low',
  'loud',
  'night',
  'nights',
  'nightfall',
  'nine',
  'the',
  'then',
  'there',
  'thunder',
  'thin',
  'tide',
  'time',
  'tiny',
  'summer',
  'sun',
  'sunny',
  'sunday',
  'song',
  'soul',
  'sweet',
  'swing',
  'river',
  'rivers',
  'rain',
  'radio',
  'road',
  'rock',
  'blue',
  'blues',
  'bell',
  'belle',
  'beat',
  'beatles',
  'beach',
  'heart',
  'hearts',
  'home',
  'honey',
  'halo',
  'city',
  'cities',
  'café',
  'crazy',
  'dance',
  'dancer',
  'dark',
  'déjà',
  'dream',
  'dreams',
  'fire',
  'fever',
  'fly',
  'golden',
  'gold',
  'ghost',
  'moon',
  'moonlight',
  'mother',
  'mädchen',
  'über',
  'zoë',
  'beyoncé',
  'niño',
  'año',
  'noël',
  'ça',
  'søren',
  'æther',
  'straße',
  'yılmaz',
  'øst',
  'kino',
  'echo',
  'eden',
  'élan',
  'wild',
  'wind',
  'window',
  'x',
  'o',
  'a',
  'i',
];

const artistShapes = [
  (w: () => string) => `The ${cap(w())} ${cap(w())}s`,
  (w: () => string) => `${cap(w())} ${cap(w())}`,
  (w: () => string) => cap(w()),
  (w: () => string) => `DJ ${w().toUpperCase()}`,
  (w: () => string) => `${2 + (w().length % 90)} ${cap(w())}`,
  (w: () => string) => `${cap(w())} & the ${cap(w())}`,
];

const titleShapes = [
  (w: () => string) => cap(w()),
  (w: () => string) => `${cap(w())} ${cap(w())}`,
  (w: () => string) => `${cap(w())} of the ${cap(w())}`,
  (w: () => string) => `${cap(w())}'s ${w()} (Live)`,
  (w: () => string) => `${cap(w())}-n-${w()}`,
  (w: () => string) => `${1 + (w().length % 99)} ${cap(w())}`,
  (w: () => string) => `Love ${cap(w())}`,
  (w: () => string) => `${cap(w())} Night`,
  (w: () => string) => `The ${cap(w())}`,
];

/**
 * A reproducible metadata-only catalog: artists with Zipf-like track counts (a few big ones,
 * a long tail), albums of 8 to 14 tracks, and titles, artists and albums drawn from
 * {@link words} in several shapes (digits, "The ...", apostrophes, hyphens, upper case).
 */
export function generatedCatalog(options: { tracks: number; seed: number }): CatalogRecord[] {
  const rand = mulberry32(options.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
  const word = () => pick(words);
  const artistCount = Math.max(3, Math.round(options.tracks / 25));
  const artists = Array.from({ length: artistCount }, (_, i) => ({
    name: `${pick(artistShapes)(word)}${i % 7 === 0 ? ` ${i}` : ''}`,
    albums: [] as { title: string; left: number }[],
  }));
  const weights: number[] = [];
  let total = 0;
  for (let k = 0; k < artistCount; k++) weights.push((total += 1 / (k + 1)));
  const out: CatalogRecord[] = [];
  for (let i = 0; i < options.tracks; i++) {
    const r = rand() * total;
    const artist = artists[weights.findIndex((w) => w >= r)] ?? artists[0]!;
    let album = artist.albums[artist.albums.length - 1];
    if (!album || album.left === 0) {
      album = { title: pick(titleShapes)(word), left: 8 + Math.floor(rand() * 7) };
      artist.albums.push(album);
    }
    album.left--;
    out.push(
      record({
        title: pick(titleShapes)(word),
        artist: artist.name,
        // One track in twenty is a single, without an album.
        album: rand() < 0.05 ? null : album.title,
        genre: pick(['Rock', 'Pop', 'Jazz', null]),
      }),
    );
  }
  return out;
}

function cap(w: string): string {
  return w.charAt(0).toUpperCase() + w.slice(1);
}

/** A small seeded PRNG (floats in [0, 1)), so the catalog is the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
