import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFfmpeg } from '../runner.js';
import { useTempDir } from '../test-support/tmp.js';
import { IngestError, type IngestErrorKind } from './errors.js';
import { ingestTrack, type IngestOptions } from './ingest.js';
import type { IngestProgress } from './progress.js';
import { makeImage, makeNoise, makeTaggedMp3 } from './test-support/fixtures.js';

const tmp = useTempDir();
let counter = 0;
let goodMp3 = '';

beforeAll(async () => {
  goodMp3 = tmp.path('good.mp3');
  await makeTaggedMp3(goodMp3, { seconds: 3, tags: { title: 'Fine' } });
});

/**
 * Runs an ingest that must fail with `kind`; checks the output folder is left empty and
 * returns the error and the stages that were reached.
 */
async function expectFailure(
  file: string,
  kind: IngestErrorKind,
  options: Partial<IngestOptions> = {},
): Promise<{ err: IngestError; stages: Set<string> }> {
  const outDir = tmp.path(`out-${++counter}`);
  await mkdir(outDir);
  const stages = new Set<string>();
  const err = await ingestTrack(file, {
    outDir,
    onProgress: (p: IngestProgress) => stages.add(p.stage),
    ...options,
  }).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(IngestError);
  const ingestErr = err as IngestError;
  expect(ingestErr.kind, ingestErr.message).toBe(kind);
  expect(ingestErr.file).toBe(file);
  expect(await readdir(outDir)).toEqual([]);
  return { err: ingestErr, stages };
}

describe('ingestTrack refuses bad uploads with a typed error and no outputs', () => {
  it('a text file renamed .mp3, before ffprobe sees it', async () => {
    const file = tmp.path('notes.mp3');
    await writeFile(file, 'Dear diary, today I uploaded a text file.\n'.repeat(20));
    const { err, stages } = await expectFailure(file, 'unreadable');
    expect(err.message).toMatch(/notes\.mp3 is not in an audio format ingest accepts \(MP3, /);
    expect(stages.has('transcode')).toBe(false);
  });

  it('a playlist that would make ffmpeg open other files', async () => {
    const secret = tmp.path('secret.wav');
    await makeNoise(secret, { frames: 44_100 });
    const file = tmp.path('playlist.mp3');
    await writeFile(
      file,
      `#EXTM3U\n#EXT-X-TARGETDURATION:1\n#EXTINF:1,\nfile://${secret}\n#EXT-X-ENDLIST\n`,
    );
    const { err } = await expectFailure(file, 'unreadable');
    expect(err.message).toMatch(/is not in an audio format ingest accepts/);
  });

  it("a file that looks like FLAC but is not, with ffprobe's reason", async () => {
    const file = tmp.path('fake.flac');
    await writeFile(file, 'fLaC and then nothing that a FLAC decoder could use');
    const { err } = await expectFailure(file, 'unreadable');
    expect(err.message).toBe(
      `${file} is not an audio file ffmpeg can read: Invalid data found when processing input`,
    );
  });

  it('a zero-length file', async () => {
    const file = tmp.path('empty.mp3');
    await writeFile(file, '');
    const { err } = await expectFailure(file, 'unreadable');
    expect(err.message).toBe(`${file} is empty (0 bytes)`);
  });

  it('a file that does not exist', async () => {
    const { err } = await expectFailure(tmp.path('missing.mp3'), 'unreadable');
    expect(err.message).toMatch(/^cannot read .*missing\.mp3: ENOENT/);
  });

  it('a truncated MP3 (an interrupted upload)', async () => {
    const whole = tmp.path('whole.mp3');
    await makeTaggedMp3(whole, { seconds: 6 });
    const bytes = await readFile(whole);
    const cut = tmp.path('cut.mp3');
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length * 0.4)));
    // The delivery was written before the verify step found the loss: it must be gone too.
    const { err, stages } = await expectFailure(cut, 'truncated');
    expect(stages.has('verify')).toBe(true);
    expect(err.message).toMatch(
      /is truncated: its header declares 6\.\d\d s but only 2\.\d\d s decode$/,
    );
  });

  it('an image file given as audio', async () => {
    const file = tmp.path('sleeve.mp3');
    await writeFile(file, await makeImage({ width: 64, height: 64, format: 'png' }));
    const { err } = await expectFailure(file, 'no_audio');
    expect(err.message).toBe(`${file} is a PNG image, not audio`);
  });

  it('a video without sound', async () => {
    const file = tmp.path('silent-film.mp4');
    await runFfmpeg(['-f', 'lavfi', '-i', 'color=s=32x32:d=0.2', '-c:v', 'mpeg4', '-y', file]);
    const { err } = await expectFailure(file, 'no_audio');
    expect(err.message).toBe(`${file} has no audio stream (is it an image or a video?)`);
  });

  it('an audio stream with no samples', async () => {
    const file = tmp.path('silent-nothing.wav');
    await runFfmpeg(['-f', 'lavfi', '-i', 'anullsrc=r=44100:cl=stereo', '-t', '0', '-y', file]);
    const { err } = await expectFailure(file, 'zero_duration');
    expect(err.message).toBe(`${file} holds no audio samples`);
  });

  it('a cover that is not an image, before any audio work', async () => {
    const cover = tmp.path('cover.jpg');
    await writeFile(cover, 'this is not a JPEG');
    const { err, stages } = await expectFailure(goodMp3, 'bad_cover', { cover });
    expect(err.message).toMatch(/^the cover is not an image \(/);
    expect(stages.has('transcode')).toBe(false);
  });

  it('an SVG cover and a missing cover file', async () => {
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="9" height="9"/>');
    const a = await expectFailure(goodMp3, 'bad_cover', { cover: svg });
    expect(a.err.message).toMatch(/^the cover is svg/);
    const b = await expectFailure(goodMp3, 'bad_cover', { cover: tmp.path('nope.jpg') });
    expect(b.err.message).toMatch(/^cannot read the cover .*nope\.jpg/);
  });

  it('options it cannot honour', async () => {
    await expectFailure(goodMp3, 'invalid_options', { targetLufs: 3 });
    await expectFailure(goodMp3, 'invalid_options', { coverSizes: [] });
    await expectFailure(goodMp3, 'invalid_options', { coverSizes: [200, 200] });
    await expectFailure(goodMp3, 'invalid_options', { coverSizes: [8] });
    await expectFailure(goodMp3, 'invalid_options', { preview: { clipMs: 10 } });
  });

  it('an output folder that is missing, and outputs that already exist (never overwritten)', async () => {
    const missing = tmp.path('no-such-folder');
    const err = await ingestTrack(goodMp3, { outDir: missing }).catch((e: unknown) => e);
    expect((err as IngestError).kind).toBe('invalid_options');
    expect((err as IngestError).message).toMatch(/output folder .* does not exist/);

    const outDir = tmp.path('occupied');
    await mkdir(outDir);
    await writeFile(`${outDir}/preview.opus`, 'somebody else’s file');
    const taken = await ingestTrack(goodMp3, { outDir }).catch((e: unknown) => e);
    expect((taken as IngestError).kind).toBe('invalid_options');
    expect(await readdir(outDir)).toEqual(['preview.opus']);
    expect(await readFile(`${outDir}/preview.opus`, 'utf8')).toBe('somebody else’s file');
  });
});

describe('ingestTrack tolerates what only costs a warning', () => {
  it('a broken embedded picture: no cover, a warning, the audio ingested', async () => {
    const coverFile = tmp.path('ok.jpg');
    await writeFile(coverFile, await makeImage({ width: 200, height: 200 }));
    const file = tmp.path('broken-art.mp3');
    await makeTaggedMp3(file, { seconds: 2, coverFile });
    // Overwrite the picture's JPEG signature inside the APIC frame.
    const bytes = await readFile(file);
    const at = bytes.indexOf(Buffer.from([0xff, 0xd8, 0xff]));
    expect(at).toBeGreaterThan(0);
    bytes.fill(0x20, at, at + 64);
    await writeFile(file, bytes);

    const outDir = tmp.path('broken-art-out');
    await mkdir(outDir);
    const result = await ingestTrack(file, { outDir });
    expect(result.cover).toBeNull();
    expect(result.warnings).toEqual([
      expect.stringMatching(/^embedded cover ignored: the cover is not an image/),
    ]);
    expect((await readdir(outDir)).sort()).toEqual(['delivery.mp3', 'preview.opus']);
  });

  it('a malformed ISRC: kept out of the metadata, reported as a warning', async () => {
    const file = tmp.path('bad-isrc.wav');
    await makeNoise(file, { frames: 44_100, extra: ['-metadata', 'ISRC=12-345'] });
    const outDir = tmp.path('bad-isrc-out');
    await mkdir(outDir);
    const result = await ingestTrack(file, { outDir });
    expect(result.metadata.isrc).toBeNull();
    expect(result.warnings).toContain('ignored a malformed ISRC tag "12-345"');
  });
});
