import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { liveChildCount } from '../children.js';
import { ffmpegChildren } from '../ingest/test-support/fixtures.js';
import { runFfmpeg } from '../runner.js';
import { useTempDir } from '../test-support/tmp.js';
import { assembleCdImage } from './assemble.js';
import { CdImageError, type CdImageErrorKind } from './errors.js';
import type { CdImageRequest } from './request.js';
import { makeSource } from './test-support/fixtures.js';

const tmp = useTempDir();
let ok = '';
let short = '';
let junk = '';
let picture = '';
let counter = 0;

beforeAll(async () => {
  ok = tmp.path('ok.flac');
  short = tmp.path('short.mp3');
  junk = tmp.path('junk.mp3');
  picture = tmp.path('picture.png');
  await Promise.all([
    makeSource(ok, { seconds: 4.2, rate: 44_100, channels: 2, signal: 'sine' }),
    makeSource(short, { seconds: 3.9, rate: 44_100, channels: 2, signal: 'noise' }),
    writeFile(junk, Buffer.from('ID3 this is not an mp3 at all '.repeat(100))),
    // A PNG: a file ffmpeg reads fine, with no audio stream in it.
    runFfmpeg(['-f', 'lavfi', '-i', 'color=c=red:s=16x16', '-frames:v', '1', '-y', picture]),
  ]);
});

function request(overrides: Partial<CdImageRequest> = {}): CdImageRequest {
  return {
    tracks: [{ source: ok, title: 'Song', performer: 'Artist', isrc: 'USABC2400001' }],
    title: 'Disc',
    performer: 'Various',
    recordingId: `R${++counter}`,
    outDir: tmp.path(`out-${counter}`),
    ...overrides,
  };
}

async function refusal(req: CdImageRequest): Promise<CdImageError> {
  const err = await assembleCdImage(req).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CdImageError);
  return err as CdImageError;
}

/** The output folder holds nothing: no image, no temp folder (or was never made). */
async function leftBehind(outDir: string): Promise<string[]> {
  return readdir(outDir).catch(() => []);
}

describe('refused before anything is decoded', () => {
  // An ffmpeg that does not exist: had any decode started, the error would be 'tool-failed'.
  const noFfmpeg = { ffmpeg: '/nonexistent/ffmpeg' };
  const track = { source: '', title: 'Song', performer: 'Artist' };
  const cases: [
    string,
    () => Partial<CdImageRequest>,
    CdImageErrorKind,
    string | (() => string),
  ][] = [
    ['no tracks', () => ({ tracks: [] }), 'empty', 'a CD needs at least one track'],
    [
      '100 tracks',
      () => ({ tracks: Array.from({ length: 100 }, () => ({ ...track, source: ok })) }),
      'too-many-tracks',
      'a CD holds at most 99 tracks; 100 were given',
    ],
    [
      'a bad ISRC',
      () => ({ tracks: [{ ...track, source: ok, isrc: 'usabc2400001' }] }),
      'bad-isrc',
      'tracks[0].isrc: an ISRC is 12 characters CCOOOYYSSSSS, e.g. USABC2400001',
    ],
    ['an MCN of letters', () => ({ mcn: 'ABCDEFGHIJKLM' }), 'bad-mcn', 'mcn: an MCN is 13 digits'],
    [
      'an MCN with a wrong check digit',
      () => ({ mcn: '4006381333932' }),
      'bad-mcn',
      'mcn: the MCN (EAN-13) check digit is wrong: a digit is mistyped',
    ],
    [
      'an empty disc title',
      () => ({ title: '' }),
      'invalid-request',
      'title: the disc title is empty',
    ],
    [
      'an empty track title',
      () => ({ tracks: [{ ...track, source: ok, title: ' ' }] }),
      'invalid-request',
      'tracks[0].title: the track title is empty',
    ],
    [
      'a disc title of 81 characters',
      () => ({ title: 'x'.repeat(81) }),
      'invalid-request',
      'title: the disc title is longer than 80 characters',
    ],
    [
      'a tab in a performer',
      () => ({ performer: 'A\tB' }),
      'invalid-request',
      'performer: the disc performer contains control characters',
    ],
    [
      'a recording id that is a path',
      () => ({ recordingId: '../escape' }),
      'invalid-request',
      'recordingId: recordingId is 1-64 letters, digits',
    ],
    [
      'a source of another ffmpeg protocol',
      () => ({ tracks: [{ ...track, source: `concat:${ok}|${ok}` }] }),
      'invalid-request',
      'tracks[0].source: source must be a file path or an http(s) URL, not a concat: address',
    ],
    [
      'a missing source',
      () => ({
        tracks: [
          { ...track, source: ok },
          { ...track, source: tmp.path('gone.mp3') },
        ],
      }),
      'unreadable-source',
      () => `track 2: cannot read ${tmp.path('gone.mp3')}: no such file`,
    ],
    [
      'a folder as a source',
      () => ({ tracks: [{ ...track, source: tmp.path('') }] }),
      'unreadable-source',
      'not a regular file',
    ],
    [
      'a concurrency of 0',
      () => ({ concurrency: 0 }),
      'invalid-request',
      'concurrency is at least 1',
    ],
    [
      'an unknown media',
      () => ({ media: '90' as '80' }),
      'invalid-request',
      'media: Invalid option',
    ],
    [
      'an unknown field',
      () => ({ burner: 'x' }) as Partial<CdImageRequest>,
      'invalid-request',
      'Unrecognized key: "burner"',
    ],
  ];

  it.each(cases)('%s', async (_what, overrides, kind, message) => {
    const req = request({ ...noFfmpeg, ...overrides() });
    const err = await refusal(req);
    expect(err.kind).toBe(kind);
    expect(err.message).toContain(typeof message === 'string' ? message : message());
    expect(await leftBehind(req.outDir)).toEqual([]);
  });

  it('an image folder that already exists, which is never overwritten', async () => {
    const req = request(noFfmpeg);
    await mkdir(`${req.outDir}/${req.recordingId}`, { recursive: true });
    await writeFile(`${req.outDir}/${req.recordingId}/disc.toc`, 'CD_DA\n');
    const err = await refusal(req);
    expect(err.kind).toBe('output-exists');
    expect(err.message).toContain('already exists: an image is never overwritten');
    expect(await leftBehind(req.outDir)).toEqual([req.recordingId]);
  });

  it('a signal aborted before the start', async () => {
    const req = request({ ...noFfmpeg, signal: AbortSignal.abort() });
    expect((await refusal(req)).kind).toBe('cancelled');
    expect(await leftBehind(req.outDir)).toEqual([]);
  });
});

describe('refused once decoding shows it, leaving nothing behind', () => {
  it('a 3.9 s track', async () => {
    const req = request({
      tracks: [
        { source: ok, title: 'Fine', performer: 'A' },
        { source: short, title: 'Too "Short"', performer: 'B' },
      ],
    });
    const err = await refusal(req);
    expect(err.kind).toBe('track-too-short');
    expect(err.track).toBe(2);
    expect(err.message).toBe(
      'track 2 ("Too "Short"") is 3.90 s long; a CD track must be at least 4 s (300 sectors)',
    );
    expect(await leftBehind(req.outDir)).toEqual([]);
  });

  it('a source ffmpeg cannot read, with its reason', async () => {
    const req = request({ tracks: [{ source: junk, title: 'Junk', performer: 'A' }] });
    const err = await refusal(req);
    expect(err.kind).toBe('unreadable-source');
    expect(err.message).toMatch(new RegExp(`^track 1: ffmpeg cannot read ${junk}: .+`));
    expect(err.message).toMatch(/Invalid (data found|argument)/);
    expect(await leftBehind(req.outDir)).toEqual([]);
  });

  it('a source without audio', async () => {
    const req = request({ tracks: [{ source: picture, title: 'Pic', performer: 'A' }] });
    const err = await refusal(req);
    expect(err.kind).toBe('unreadable-source');
    expect(err.message).toContain("Stream map '0:a:0' matches no streams");
    expect(await leftBehind(req.outDir)).toEqual([]);
  });

  it('a URL nobody answers', async () => {
    const req = request({
      tracks: [{ source: 'http://127.0.0.1:9/none.mp3', title: 'Nowhere', performer: 'A' }],
    });
    const err = await refusal(req);
    expect(err.kind).toBe('unreadable-source');
    expect(err.message).toBe(
      'track 1: ffmpeg cannot read http://127.0.0.1:9/none.mp3: Connection refused',
    );
    expect(await leftBehind(req.outDir)).toEqual([]);
  });

  it('ffmpeg missing: a tool failure, not the source', async () => {
    const req = request({ ffmpeg: '/nonexistent/ffmpeg' });
    const err = await refusal(req);
    expect(err.kind).toBe('tool-failed');
    expect(err.message).toContain("ffmpeg not found at '/nonexistent/ffmpeg'");
    expect(await leftBehind(req.outDir)).toEqual([]);
  });

  it('an output folder that cannot be made', async () => {
    await writeFile(tmp.path('a-file'), 'not a folder');
    const req = request({ outDir: tmp.path('a-file/images') });
    const err = await refusal(req);
    expect(err.kind).toBe('tool-failed');
    expect(err.message).toContain(`cannot make a folder in ${tmp.path('a-file/images')}: ENOTDIR`);
  });

  it('makes the image even when the progress callback throws', async () => {
    const req = request({
      onProgress: () => {
        throw new Error('the display crashed');
      },
    });
    const image = await assembleCdImage(req);
    expect(await leftBehind(req.outDir)).toEqual([req.recordingId]);
    expect(image.tracks).toHaveLength(1);
  });

  it('accepts quotes, backslashes and non-Latin-1 in titles, noting what it changed', async () => {
    const req = request({
      title: '"Quoted" \\ Disc',
      tracks: [{ source: ok, title: 'Кино “Группа крови”', performer: 'Виктор Цой' }],
    });
    const image = await assembleCdImage(req);
    expect(image.warnings).toEqual([
      'track 1 title: characters outside ISO 8859-1 transliterated or replaced by "?"',
      'track 1 performer: characters outside ISO 8859-1 transliterated or replaced by "?"',
    ]);
    expect(await leftBehind(req.outDir)).toEqual([req.recordingId]);
    expect(ffmpegChildren()).toEqual([]);
    expect(liveChildCount()).toBe(0);
  });
});
