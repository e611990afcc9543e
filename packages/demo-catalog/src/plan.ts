import { GENRE_PROFILES, GENRES, type Genre } from './genres.js';
import {
  REQUIRED_ARTIST_STYLES,
  albumTitle,
  artistName,
  safeFileName,
  trackTitle,
  uniqueName,
} from './names.js';
import { createRng } from './random.js';
import type { ScaleName } from './theory.js';

/** Options that decide what a catalog contains. The same options give the same plan. */
export interface PlanOptions {
  seed?: number;
  /** Number of tracks (default 60). */
  tracks?: number;
  /** Shortest and longest track length in seconds (defaults 20 and 40). */
  minSeconds?: number;
  maxSeconds?: number;
}

export interface PlannedArtist {
  id: number;
  name: string;
  genre: Genre;
}

export interface PlannedAlbum {
  id: number;
  title: string;
  artistId: number;
  artist: string;
  genre: Genre;
  year: number;
  /** Folder relative to the catalog root: `<Artist>/<Album>`. */
  dir: string;
  /** `<dir>/cover.jpg`. */
  coverPath: string;
  /** Seed of the cover's colours and pattern. */
  coverSeed: number;
}

/** The musical parameters of a track; the score is written from these (score.ts). */
export interface MusicParams {
  bpm: number;
  /** MIDI note of the key's root (C3..B3). */
  rootMidi: number;
  scale: ScaleName;
  /** Scale degrees, one chord per bar, looped. */
  progression: number[];
  /** Seeds the melody and arrangement choices. */
  seed: number;
}

export interface PlannedTrack {
  id: number;
  title: string;
  artistId: number;
  artist: string;
  albumId: number;
  album: string;
  genre: Genre;
  year: number;
  trackNo: number;
  isrc: string;
  explicit: boolean;
  durationMs: number;
  /** Integrated loudness the rendered file aims at (EBU R128, LUFS). */
  loudnessLufs: number;
  /** File relative to the catalog root: `<Artist>/<Album>/<NN> <Title>.mp3`. */
  path: string;
  music: MusicParams;
}

export interface CatalogPlan {
  seed: number;
  artists: PlannedArtist[];
  albums: PlannedAlbum[];
  tracks: PlannedTrack[];
}

export const PLAN_DEFAULTS = { seed: 1, tracks: 60, minSeconds: 20, maxSeconds: 40 } as const;

/** Loudness spread of the catalog, so that normalisation at playback has real work to do. */
export const LOUDNESS_RANGE_LUFS = [-28, -12] as const;

/** ISRC country code: "ZZ" is not assigned to any country, right for invented recordings. */
const ISRC_PREFIX = 'ZZJBX';

/**
 * Computes the whole catalog (artists, albums, tracks, file paths, music parameters) from the
 * seed without touching disk, so tests and e2e suites know every title in advance.
 */
export function planCatalog(options: PlanOptions = {}): CatalogPlan {
  const seed = options.seed ?? PLAN_DEFAULTS.seed;
  const trackCount = options.tracks ?? PLAN_DEFAULTS.tracks;
  const minSeconds = options.minSeconds ?? PLAN_DEFAULTS.minSeconds;
  const maxSeconds = options.maxSeconds ?? PLAN_DEFAULTS.maxSeconds;
  if (!Number.isInteger(trackCount) || trackCount < 1 || trackCount > 9999) {
    throw new RangeError('tracks must be an integer from 1 to 9999');
  }
  if (!(minSeconds > 0) || !(maxSeconds >= minSeconds)) {
    throw new RangeError('need 0 < minSeconds <= maxSeconds');
  }

  const names = createRng(seed, 'names');
  const taken = new Set<string>();
  // About 4 tracks per artist and 3 per album (60 -> 15 artists, 20 albums), but at least
  // three artists so even a tiny test catalog spans genres.
  const artistCount = Math.max(Math.min(trackCount, 3), Math.round(trackCount / 4));
  const albumCount = Math.max(artistCount, Math.min(trackCount, Math.round(trackCount / 3)));

  const genreOrder = names.shuffle(GENRES);
  const artists: PlannedArtist[] = [];
  for (let i = 0; i < artistCount; i++) {
    const style = REQUIRED_ARTIST_STYLES[i] ?? null;
    artists.push({
      id: i + 1,
      name: uniqueName(taken, () => artistName(names, style)),
      genre: genreOrder[i % genreOrder.length] as Genre,
    });
  }

  const albums: PlannedAlbum[] = [];
  for (let i = 0; i < albumCount; i++) {
    // Every artist gets one album first; the rest go to artists drawn at random.
    const artist = (i < artistCount ? artists[i] : names.pick(artists)) as PlannedArtist;
    const title = uniqueName(taken, () => albumTitle(names));
    const dir = `${safeFileName(artist.name)}/${safeFileName(title)}`;
    albums.push({
      id: i + 1,
      title,
      artistId: artist.id,
      artist: artist.name,
      genre: artist.genre,
      year: names.int(1962, 2024),
      dir,
      coverPath: `${dir}/cover.jpg`,
      coverSeed: names.int(0, 2 ** 31 - 1),
    });
  }

  // Tracks per album: one each first, then the rest spread at random.
  const perAlbum = albums.map(() => 1);
  for (let i = albumCount; i < trackCount; i++) {
    const a = names.int(0, albumCount - 1);
    perAlbum[a] = (perAlbum[a] ?? 0) + 1;
  }

  const extras = createRng(seed, 'tracks');
  // Exactly about one track in eight is explicit (at least one when there are two or more),
  // and loudness targets are spread evenly across the range in shuffled order.
  const explicitCount = trackCount < 2 ? 0 : Math.max(1, Math.round(trackCount / 8));
  const explicitSet = new Set(
    extras.shuffle([...Array(trackCount).keys()]).slice(0, explicitCount),
  );
  const loudnessOrder = extras.shuffle([...Array(trackCount).keys()]);
  const [quietest, loudest] = LOUDNESS_RANGE_LUFS;
  const isrcBase = extras.int(0, 49_999);

  const tracks: PlannedTrack[] = [];
  albums.forEach((album, a) => {
    const count = perAlbum[a] ?? 0;
    for (let n = 1; n <= count; n++) {
      const index = tracks.length;
      const title = uniqueName(taken, () => trackTitle(names));
      const profile = GENRE_PROFILES[album.genre];
      const seconds = Math.round(extras.range(minSeconds, maxSeconds) * 10) / 10;
      const rank = loudnessOrder[index] ?? 0;
      const yy = String(album.year % 100).padStart(2, '0');
      const designation = String(isrcBase + index).padStart(5, '0');
      tracks.push({
        id: index + 1,
        title,
        artistId: album.artistId,
        artist: album.artist,
        albumId: album.id,
        album: album.title,
        genre: album.genre,
        year: album.year,
        trackNo: n,
        isrc: `${ISRC_PREFIX}${yy}${designation}`,
        explicit: explicitSet.has(index),
        durationMs: Math.round(seconds * 1000),
        loudnessLufs:
          Math.round((quietest + ((loudest - quietest) * (rank + 0.5)) / trackCount) * 10) / 10,
        path: `${album.dir}/${String(n).padStart(2, '0')} ${safeFileName(title)}.mp3`,
        music: {
          bpm: extras.int(profile.bpm[0], profile.bpm[1]),
          rootMidi: extras.int(48, 59),
          scale: extras.pick(profile.scales),
          progression: [...extras.pick(profile.progressions)],
          seed: extras.int(0, 2 ** 31 - 1),
        },
      });
    }
  });

  return { seed, artists, albums, tracks };
}
