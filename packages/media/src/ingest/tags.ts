import type { IAudioMetadata } from 'music-metadata';
import { readAdvisory, advisoryValue, type Advisory } from './advisory.js';
import { parseIsrc } from './isrc.js';

/** What the catalog learns about a track from its tags. Every field may be missing. */
export interface TrackMetadata {
  title: string | null;
  artist: string | null;
  albumArtist: string | null;
  album: string | null;
  genre: string | null;
  year: number | null;
  trackNo: number | null;
  /** Canonical CCOOOYYSSSSS, or null when absent or malformed (see warnings). */
  isrc: string | null;
  /** True only when an advisory tag says explicit; false when clean or untagged. */
  explicit: boolean;
  /** The advisory as tagged, or null when the file carries none (unknown, not clean). */
  advisory: Advisory | null;
}

/** The parts of a music-metadata result that tags are read from. */
export type ParsedTags = Pick<IAudioMetadata, 'common' | 'native'>;

/** The catalog's limit for names (protocol catalogRecord). */
export const MAX_TEXT_LENGTH = 300;

/**
 * Reads the catalog metadata from music-metadata's result, falling back to ffprobe's tags
 * (keys lower-cased, as probe() returns them) for anything music-metadata did not find or
 * for formats it cannot parse (`parsed` null). Problems that do not stop an ingest (a
 * malformed ISRC) are appended to `warnings`.
 */
export function readTrackMetadata(
  parsed: ParsedTags | null,
  ffprobeTags: Record<string, string>,
  warnings: string[],
): TrackMetadata {
  const common = parsed?.common;
  const probeTag = (...keys: string[]) => {
    for (const key of keys) {
      const value = ffprobeTags[key];
      if (value !== undefined) return value;
    }
    return undefined;
  };
  const advisory =
    readAdvisory(parsed?.native ?? {}) ?? advisoryValue(probeTag('itunesadvisory') ?? null);
  return {
    title: text(common?.title ?? probeTag('title')),
    artist: text(common?.artist ?? probeTag('artist')),
    albumArtist: text(common?.albumartist ?? probeTag('album_artist', 'albumartist')),
    album: text(common?.album ?? probeTag('album')),
    genre: text(common?.genre?.[0] ?? probeTag('genre')),
    year: year(common?.year ?? leadingInt(probeTag('date', 'year'))),
    trackNo: positiveInt(common?.track.no ?? leadingInt(probeTag('track', 'tracknumber'))),
    isrc: isrc([...(common?.isrc ?? []), probeTag('tsrc', 'isrc')], warnings),
    explicit: advisory === 'explicit',
    advisory,
  };
}

// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f]/g;

/**
 * A tag value as catalog text: control characters (NULs from broken ID3 writers, line
 * breaks) become spaces, runs of white space collapse, and it is cut at the catalog limit
 * (by code point, so no surrogate pair is split). Empty means missing.
 */
export function text(value: string | undefined | null): string | null {
  if (value === undefined || value === null) return null;
  const cleaned = value.replace(CONTROL_CHARACTERS, ' ').replace(/\s+/g, ' ').trim();
  if (cleaned === '') return null;
  return Array.from(cleaned).slice(0, MAX_TEXT_LENGTH).join('').trim();
}

function isrc(candidates: (string | undefined)[], warnings: string[]): string | null {
  let found: string | null = null;
  // music-metadata and ffprobe often report the same frame: judge each spelling once.
  for (const raw of new Set(candidates)) {
    if (raw === undefined || raw.trim() === '') continue;
    const value = parseIsrc(raw);
    if (value === null) {
      warnings.push(`ignored a malformed ISRC tag "${raw.slice(0, 40)}"`);
    } else if (found === null) {
      found = value;
    } else if (found !== value) {
      warnings.push(`the file carries two ISRCs; kept ${found}, ignored ${value}`);
    }
  }
  return found;
}

function leadingInt(value: string | undefined): number | undefined {
  const m = value === undefined ? null : /^\s*(\d+)/.exec(value);
  return m?.[1] === undefined ? undefined : Number(m[1]);
}

function year(value: number | undefined): number | null {
  return value !== undefined && Number.isInteger(value) && value >= 1000 && value <= 3000
    ? value
    : null;
}

function positiveInt(value: number | null | undefined): number | null {
  return value !== undefined && value !== null && Number.isInteger(value) && value > 0
    ? value
    : null;
}

/** An embedded picture: the front cover when tagged as such, else the first one. */
export function embeddedCover(parsed: ParsedTags | null): Uint8Array | null {
  const pictures = parsed?.common.picture ?? [];
  const front = pictures.find((p) => p.type?.toLowerCase().includes('front')) ?? pictures[0];
  return front && front.data.length > 0 ? front.data : null;
}
