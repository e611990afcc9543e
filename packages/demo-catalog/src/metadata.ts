import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { finished } from 'node:stream/promises';
import type { CatalogRecord } from '@jukebox/protocol';
import { GENRES, type Genre } from './genres.js';
import { albumTitle, artistName, trackTitle, uniqueName } from './names.js';
import { createRng } from './random.js';

export interface MetadataOptions {
  /** NDJSON file to write. */
  out: string;
  /** Number of records (default 100,000). */
  tracks?: number;
  seed?: number;
}

export interface MetadataSummary {
  out: string;
  records: number;
  artists: number;
  bytes: number;
  elapsedMs: number;
}

interface Artist {
  name: string;
  genre: Genre;
  albums: { title: string; year: number; nextTrackNo: number }[];
}

/**
 * Yields a metadata-only catalog: thousands of artists whose track counts follow a Zipf-like
 * law (a few big names, a long tail), accented and mixed-case names and a spread of title
 * words, so prefix search and A–Z browsing see a realistic shape. Records have `path: null`.
 */
export function* metadataRecords(
  options: { tracks?: number; seed?: number } = {},
): Generator<CatalogRecord> {
  const count = options.tracks ?? 100_000;
  const seed = options.seed ?? 1;
  const rng = createRng(seed, 'metadata');
  const taken = new Set<string>();
  const artistCount = Math.max(3, Math.round(count / 25));
  const artists: Artist[] = [];
  for (let i = 0; i < artistCount; i++) {
    artists.push({
      name: uniqueName(taken, () => artistName(rng)),
      genre: rng.pick(GENRES),
      albums: [],
    });
  }
  // Cumulative Zipf weights (exponent 1): artist k gets ~1/(k+1) of the plays of the first.
  const cumulative: number[] = [];
  let total = 0;
  for (let k = 0; k < artistCount; k++) {
    total += 1 / (k + 1);
    cumulative.push(total);
  }

  for (let i = 0; i < count; i++) {
    const artist = artists[lowerBound(cumulative, rng.next() * total)] as Artist;
    // A new album when the artist has none or its latest is "full" (8-14 tracks).
    let album = artist.albums[artist.albums.length - 1];
    if (!album || album.nextTrackNo > 8 + (artist.albums.length % 7)) {
      album = { title: albumTitle(rng), year: rng.int(1955, 2025), nextTrackNo: 1 };
      artist.albums.push(album);
    }
    const trackNo = album.nextTrackNo++;
    const block = Math.floor(i / 100_000);
    yield {
      path: null,
      title: trackTitle(rng),
      artist: artist.name,
      album: album.title,
      genre: artist.genre,
      year: album.year,
      trackNo,
      isrc: `ZZ${block.toString(36).toUpperCase().padStart(3, '0')}${String(album.year % 100).padStart(2, '0')}${String(i % 100_000).padStart(5, '0')}`,
      explicit: rng.chance(1 / 8),
      // Mostly 2:30-4:30, with a tail of long tracks.
      durationMs: Math.round(
        (150 + rng.next() * 120 + (rng.chance(0.1) ? rng.next() * 400 : 0)) * 1000,
      ),
    };
  }
}

/** Writes `metadataRecords` to an NDJSON file, one record per line. */
export async function generateMetadata(options: MetadataOptions): Promise<MetadataSummary> {
  const started = performance.now();
  await mkdir(dirname(options.out), { recursive: true });
  const stream = createWriteStream(options.out);
  let records = 0;
  let bytes = 0;
  let batch: string[] = [];
  const artists = new Set<string>();
  const flush = async () => {
    const chunk = batch.join('');
    batch = [];
    bytes += Buffer.byteLength(chunk);
    if (!stream.write(chunk))
      await new Promise<void>((resolve) => stream.once('drain', () => resolve()));
  };
  for (const record of metadataRecords(options)) {
    batch.push(`${JSON.stringify(record)}\n`);
    artists.add(record.artist);
    records++;
    if (batch.length >= 2000) await flush();
  }
  await flush();
  stream.end();
  await finished(stream);
  return {
    out: options.out,
    records,
    artists: artists.size,
    bytes,
    elapsedMs: performance.now() - started,
  };
}

function lowerBound(sorted: number[], value: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((sorted[mid] as number) < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
