import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runFfmpeg } from '@jukebox/media';

export interface TestTrack {
  /** Length; whole sectors (1/75 s) make no END* padding. */
  seconds: number;
  /** Sample rate; anything but 44100 is an image cdrdao refuses. */
  rate?: number;
  file?: string;
}

/**
 * A real small disc image: one WAV per track made by ffmpeg (a sine tone, s16 stereo) and a
 * TOC in the form the image builder writes (CD-TEXT, 2 s pregap before track 1).
 */
export async function makeImage(
  dir: string,
  tracks: readonly TestTrack[],
  tocName = 'disc.toc',
): Promise<string> {
  await mkdir(dir, { recursive: true });
  const lines = [
    'CD_DA',
    'CD_TEXT {',
    '  LANGUAGE_MAP {',
    '    0 : 9',
    '  }',
    '  LANGUAGE 0 {',
    '    TITLE "Test Mix"',
    '    PERFORMER "Various"',
    '  }',
    '}',
  ];
  for (const [i, t] of tracks.entries()) {
    const file = t.file ?? `t${i + 1}.wav`;
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      `sine=frequency=${330 + 110 * i}:duration=${t.seconds}`,
      '-ar',
      String(t.rate ?? 44_100),
      '-ac',
      '2',
      '-c:a',
      'pcm_s16le',
      '-y',
      join(dir, file),
    ]);
    lines.push(
      'TRACK AUDIO',
      'CD_TEXT {',
      '  LANGUAGE 0 {',
      `    TITLE "Song ${i + 1}"`,
      '    PERFORMER "Artist"',
      '  }',
      '}',
    );
    if (i === 0) lines.push('PREGAP 0:2:0');
    lines.push(`FILE "${file}" 0`);
  }
  const toc = join(dir, tocName);
  await writeFile(toc, `${lines.join('\n')}\n`);
  return toc;
}
