/** A track's parental advisory as tagged: iTunes' 1/4 explicit, 2 clean, 0 none. */
export type Advisory = 'explicit' | 'clean' | 'none';

/** One native tag as music-metadata reports it (structural, to keep tests free of its types). */
export interface NativeTag {
  id: string;
  value: unknown;
}

// Where taggers put the advisory: MP4 `rtng` atom; ID3v2 TXXX:ITUNESADVISORY (what iTunes,
// Mp3tag and ffmpeg write); the same name as a Vorbis comment or MP4 freeform atom; and
// EXPLICIT, which some Vorbis taggers use. Ids are compared in lower case.
const ADVISORY_IDS = new Set([
  'rtng',
  'itunes:rtng',
  'txxx:itunesadvisory',
  'itunesadvisory',
  '----:com.apple.itunes:itunesadvisory',
  'explicit',
  'txxx:explicit',
]);

/**
 * Reads the advisory from music-metadata's native tags (all tag formats of the file), or
 * null when no advisory tag is present. An explicit value anywhere wins: a file with a stale
 * "clean" in one tag and "explicit" in another must not be sold as clean.
 */
export function readAdvisory(native: Record<string, readonly NativeTag[]>): Advisory | null {
  let found: Advisory | null = null;
  for (const tags of Object.values(native)) {
    for (const tag of tags) {
      if (!ADVISORY_IDS.has(tag.id.toLowerCase())) continue;
      const advisory = advisoryValue(tag.value);
      if (advisory === 'explicit') return advisory;
      if (advisory !== null && found !== 'clean') found = advisory;
    }
  }
  return found;
}

/** Interprets one advisory value: a number, a numeric string, or a word. */
export function advisoryValue(value: unknown): Advisory | null {
  const first: unknown = Array.isArray(value) ? value[0] : value;
  if (typeof first !== 'string' && typeof first !== 'number' && typeof first !== 'boolean') {
    return null;
  }
  switch (String(first).trim().toLowerCase()) {
    case '1':
    case '4': // the old iTunes value for explicit
    case 'explicit':
    case 'true':
    case 'yes':
      return 'explicit';
    case '2':
    case 'clean':
      return 'clean';
    case '0':
    case 'false':
    case 'no':
    case 'none':
      return 'none';
    default:
      return null;
  }
}
