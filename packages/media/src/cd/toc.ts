import { RED_BOOK } from '@jukebox/protocol';
import { fitCdText, tocString } from './cd-text.js';
import { checkLayout, type CdLayout } from './request.js';

/** The pregap of track 1 as a TOC time (m:s:f, 75 frames a second). */
const PREGAP = `0:${RED_BOOK.pregapSectors / RED_BOOK.sectorsPerSecond}:0`;

/**
 * The cdrdao TOC of a disc: CD_DA, the MCN as CATALOG, CD-TEXT in one English block
 * (LANGUAGE_MAP `0 : 9`; cueprint reads only the numeric code) with the disc's title and
 * performer and the recording id as both MESSAGE and DISC_ID, then per track its ISRC, its
 * CD-TEXT title and performer, and its WAV file, with the 2-second pregap on track 1.
 *
 * Pure: the text depends on the layout only. Strings go through fitCdText (Latin-1, fitted
 * to the lead-in) and are escaped for cdrdao. File names are written as given; cdrdao opens
 * them relative to its working directory, so run it in the TOC's folder. Throws a
 * CdImageError for a layout cdrdao would refuse (bad ISRC or MCN, empty title, 0 or more
 * than 99 tracks).
 */
export function buildToc(layout: CdLayout): string {
  const disc = checkLayout(layout);
  const text = fitCdText(disc);
  const lines: string[] = ['CD_DA', ''];
  if (disc.mcn !== undefined) lines.push(`CATALOG ${tocString(disc.mcn)}`, '');
  lines.push(
    'CD_TEXT {',
    '  LANGUAGE_MAP {',
    '    0 : 9',
    '  }',
    '  LANGUAGE 0 {',
    `    TITLE ${tocString(text.disc.title)}`,
    `    PERFORMER ${tocString(text.disc.performer)}`,
    `    MESSAGE ${tocString(disc.recordingId)}`,
    `    DISC_ID ${tocString(disc.recordingId)}`,
    '  }',
    '}',
  );
  disc.tracks.forEach((track, i) => {
    const cdText = text.tracks[i]!;
    lines.push('', `// Track ${i + 1}`, 'TRACK AUDIO');
    if (track.isrc !== undefined) lines.push(`ISRC ${tocString(track.isrc)}`);
    lines.push(
      'CD_TEXT {',
      '  LANGUAGE 0 {',
      `    TITLE ${tocString(cdText.title)}`,
      `    PERFORMER ${tocString(cdText.performer)}`,
      '  }',
      '}',
    );
    if (i === 0) lines.push(`PREGAP ${PREGAP}`);
    lines.push(`FILE ${tocString(track.file)} 0`);
  });
  return `${lines.join('\n')}\n`;
}
