/**
 * The parts of a music-metadata result this helper reads. Structural, so callers pass an
 * `IAudioMetadata` and this package needs no dependency on music-metadata.
 */
export interface MetadataWithNativeTags {
  native: Record<string, readonly { id: string; value: unknown }[]>;
}

// The iTunes content advisory: 1 = explicit, 2 = clean, 0 = none. In ID3v2 it is written as a
// TXXX frame (music-metadata reports it as "TXXX:ITUNESADVISORY"); MP4 files carry it as the
// `rtng` atom; Vorbis comments as ITUNESADVISORY. Some taggers write "explicit" as a word.
const ADVISORY_IDS = new Set(['txxx:itunesadvisory', 'itunesadvisory', 'rtng', 'itunes:rtng']);

/**
 * True when the file's tags flag it explicit (iTunes advisory 1 or 4, or the word
 * "explicit"), false otherwise, including when there is no advisory tag at all.
 */
export function readExplicitFlag(metadata: MetadataWithNativeTags): boolean {
  for (const tags of Object.values(metadata.native)) {
    for (const tag of tags) {
      if (!ADVISORY_IDS.has(tag.id.toLowerCase())) continue;
      const value = String(Array.isArray(tag.value) ? tag.value[0] : tag.value)
        .trim()
        .toLowerCase();
      if (value === '1' || value === '4' || value === 'explicit') return true;
    }
  }
  return false;
}

/** The ffmpeg `-metadata` key that ends up as the TXXX:ITUNESADVISORY frame in an MP3. */
export const EXPLICIT_METADATA_KEY = 'ITUNESADVISORY';
