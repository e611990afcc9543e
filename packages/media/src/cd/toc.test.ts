import { mkdir, writeFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTempDir } from '../test-support/tmp.js';
import { CdImageError } from './errors.js';
import type { CdLayout } from './request.js';
import { run, writeSilentWav } from './test-support/fixtures.js';
import { buildToc } from './toc.js';

const tmp = useTempDir();

const layout: CdLayout = {
  title: 'Kiosk Mix',
  performer: 'Various',
  mcn: '0123456789012',
  recordingId: 'R7K3M9QXP2D4F8H1J',
  tracks: [
    { file: '01.wav', title: 'Song One', performer: 'Artist A', isrc: 'USABC2400001' },
    { file: '02.wav', title: 'Song Two', performer: 'Artist B' },
  ],
};

function refusal(l: unknown): CdImageError {
  try {
    buildToc(l as CdLayout);
  } catch (err) {
    if (err instanceof CdImageError) return err;
    throw err;
  }
  throw new Error('buildToc accepted it');
}

describe('buildToc', () => {
  it('writes the disc as cdrdao reads it', () => {
    expect(buildToc(layout)).toBe(
      [
        'CD_DA',
        '',
        'CATALOG "0123456789012"',
        '',
        'CD_TEXT {',
        '  LANGUAGE_MAP {',
        '    0 : 9',
        '  }',
        '  LANGUAGE 0 {',
        '    TITLE "Kiosk Mix"',
        '    PERFORMER "Various"',
        '    MESSAGE "R7K3M9QXP2D4F8H1J"',
        '    DISC_ID "R7K3M9QXP2D4F8H1J"',
        '  }',
        '}',
        '',
        '// Track 1',
        'TRACK AUDIO',
        'ISRC "USABC2400001"',
        'CD_TEXT {',
        '  LANGUAGE 0 {',
        '    TITLE "Song One"',
        '    PERFORMER "Artist A"',
        '  }',
        '}',
        'PREGAP 0:2:0',
        'FILE "01.wav" 0',
        '',
        '// Track 2',
        'TRACK AUDIO',
        'CD_TEXT {',
        '  LANGUAGE 0 {',
        '    TITLE "Song Two"',
        '    PERFORMER "Artist B"',
        '  }',
        '}',
        'FILE "02.wav" 0',
        '',
      ].join('\n'),
    );
  });

  it('leaves CATALOG out without an MCN, and trims the strings', () => {
    const { mcn: _mcn, ...rest } = layout;
    const toc = buildToc({ ...rest, title: '  Kiosk Mix ' });
    expect(toc).not.toContain('CATALOG');
    expect(toc).toContain('    TITLE "Kiosk Mix"\n');
  });

  it('escapes quotes, backslashes and Latin-1, and transliterates the rest', () => {
    const toc = buildToc({
      ...layout,
      title: 'The "Best" \\ Mix',
      tracks: [{ file: '01.wav', title: 'Café “Noir”', performer: 'Dvořák & Кино' }],
    });
    expect(toc).toContain('    TITLE "The \\"Best\\" \\\\ Mix"\n');
    expect(toc).toContain('    TITLE "Caf\\351 \\"Noir\\""\n');
    expect(toc).toContain('    PERFORMER "Dvor\\341k & ????"\n');
    expect(/^[\x20-\x7e\n]*$/.test(toc)).toBe(true);
  });

  it.each([
    ['no tracks', { ...layout, tracks: [] }, 'empty', 'tracks: Too small'],
    [
      '100 tracks',
      { ...layout, tracks: Array.from({ length: 100 }, () => layout.tracks[0]) },
      'too-many-tracks',
      'tracks: Too big',
    ],
    [
      'a bad ISRC',
      { ...layout, tracks: [{ ...layout.tracks[0], isrc: 'US-ABC-24-00001' }] },
      'bad-isrc',
      'tracks[0].isrc: an ISRC is 12 characters CCOOOYYSSSSS',
    ],
    ['a 12-digit MCN', { ...layout, mcn: '012345678901' }, 'bad-mcn', 'mcn: an MCN is 13 digits'],
    [
      'an MCN with a wrong check digit',
      { ...layout, mcn: '0123456789013' },
      'bad-mcn',
      'mcn: the MCN (EAN-13) check digit is wrong',
    ],
    [
      'an empty title',
      { ...layout, title: '' },
      'invalid-request',
      'title: the disc title is empty',
    ],
    [
      'a blank track title',
      { ...layout, tracks: [{ ...layout.tracks[0], title: '   ' }] },
      'invalid-request',
      'tracks[0].title: the track title is empty',
    ],
    [
      'a newline in a performer',
      { ...layout, performer: 'A\nB' },
      'invalid-request',
      'performer: the disc performer contains control characters',
    ],
    [
      'a recording id with a slash',
      { ...layout, recordingId: 'R1/../x' },
      'invalid-request',
      'recordingId: recordingId is 1-64 letters',
    ],
    [
      'a non-ASCII file name',
      { ...layout, tracks: [{ ...layout.tracks[0], file: 'é.wav' }] },
      'invalid-request',
      'tracks[0].file: file is a name of printable ASCII',
    ],
    ['an unknown field', { ...layout, genre: 'Pop' }, 'invalid-request', 'Unrecognized key'],
  ])('refuses %s', (_what, bad, kind, message) => {
    const err = refusal(bad);
    expect(err.kind).toBe(kind);
    expect(err.message).toContain(message);
  });
});

describe('buildToc with cdrdao 1.2.4 and cuetools', () => {
  let dir = '';
  beforeAll(async () => {
    dir = tmp.path('toc');
    await mkdir(dir);
    // Exactly 300 and 301 sectors of silence: the shortest legal track, and one more.
    await writeSilentWav(`${dir}/01.wav`, 300 * 588);
    await writeSilentWav(`${dir}/02.wav`, 301 * 588);
  });

  async function writeToc(name: string, text: string): Promise<void> {
    await writeFile(`${dir}/${name}`, text);
  }

  it('passes toc-size and read-test, with DISC_ID and MESSAGE', async () => {
    await writeToc('disc.toc', buildToc(layout));
    const size = run('cdrdao', ['toc-size', 'disc.toc'], dir);
    expect(size.stderr).not.toMatch(/ERROR|WARNING/);
    expect(size).toMatchObject({ stdout: '751\n', status: 0 }); // 150 + 300 + 301
    expect(run('cdrdao', ['read-test', 'disc.toc'], dir).status).toBe(0);
  });

  it('an unknown CD-TEXT field is a syntax error, so DISC_ID being accepted means it is parsed', async () => {
    await writeToc('bogus.toc', buildToc(layout).replace('DISC_ID', 'DISC_KEY'));
    const size = run('cdrdao', ['toc-size', 'bogus.toc'], dir);
    expect(size.status).toBe(1);
    expect(size.stderr).toContain('bogus.toc:13');
  });

  it("cdrdao's parser reads the escaped strings back as written (toc2cddb shows them)", async () => {
    await writeToc(
      'escaped.toc',
      buildToc({
        ...layout,
        title: 'The "Best" \\ Mix',
        tracks: [
          { file: '01.wav', title: 'Café “Noir” ½', performer: 'A' },
          { file: '02.wav', title: 'Ærø1', performer: 'B' },
        ],
      }),
    );
    const cddb = run('toc2cddb', ['escaped.toc'], dir);
    expect(cddb.status).toBe(0);
    // xmcd escapes a backslash as "\\"; the bytes are Latin-1.
    expect(cddb.stdout).toContain('DTITLE=Various / The "Best" \\\\ Mix\n');
    expect(cddb.stdout).toContain('TTITLE0=Café "Noir" ½\n');
    expect(cddb.stdout).toContain('TTITLE1=Ærø1\n');
  });

  it('cueprint shows the CD-TEXT, the recording id (MESSAGE) and the ISRC', async () => {
    await writeToc('disc.toc', buildToc(layout));
    const cue = run('cueprint', ['-i', 'toc', 'disc.toc'], dir);
    expect(cue.status).toBe(0);
    expect(cue.stdout).toMatch(/^message:\s+R7K3M9QXP2D4F8H1J$/m);
    expect(cue.stdout).toMatch(/^no\. of tracks:\s+2$/m);
    expect(cue.stdout).toMatch(/^title:\s+Kiosk Mix$/m);
    expect(cue.stdout).toMatch(/^ISRC:\s+USABC2400001$/m);
    expect(cue.stdout).toMatch(/^title:\s+Song Two$/m);
  });
});
