import { writeFile } from 'node:fs/promises';
import { open } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { countDecodedFrames } from './decode.js';
import { FfmpegError } from './errors.js';
import { probe } from './probe.js';
import { runFfmpeg } from './runner.js';
import { makeTone } from './test-support/fixtures.js';
import { useTempDir } from './test-support/tmp.js';

const tmp = useTempDir();

async function probeError(file: string): Promise<FfmpegError> {
  const err = await probe(file).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(FfmpegError);
  return err as FfmpegError;
}

describe('probe', () => {
  it('reads an mp3 with tags and cover art', async () => {
    const file = tmp.path('tagged.mp3');
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      'sine=d=3',
      '-f',
      'lavfi',
      '-i',
      'color=red:s=64x64:d=1',
      '-map',
      '0',
      '-map',
      '1',
      '-ac',
      '2',
      '-c:a',
      'libmp3lame',
      '-b:a',
      '128k',
      '-c:v',
      'mjpeg',
      '-disposition:v',
      'attached_pic',
      '-metadata',
      'title=Song One',
      '-metadata',
      'ARTIST=Artist A',
      file,
    ]);
    const result = await probe(file);
    expect(result.container).toBe('mp3');
    expect(result.durationMs).toBeGreaterThanOrEqual(3_000);
    expect(result.durationMs).toBeLessThan(3_100);
    expect(result.audio).toEqual({
      codec: 'mp3',
      sampleRate: 44_100,
      channels: 2,
      bitRate: 128_000,
    });
    expect(result.tags).toMatchObject({ title: 'Song One', artist: 'Artist A' });
    expect(result.hasCoverArt).toBe(true);
  });

  it('reports a FLAC without cover art', async () => {
    const file = tmp.path('plain.flac');
    await makeTone(file, { seconds: 1.5, rate: 48_000, channels: 1 });
    const result = await probe(file);
    expect(result).toMatchObject({
      container: 'flac',
      durationMs: 1_500,
      audio: { codec: 'flac', sampleRate: 48_000, channels: 1 },
      hasCoverArt: false,
    });
  });

  it("rejects a text file with ffprobe's reason", async () => {
    const file = tmp.path('notes.txt');
    await writeFile(file, 'not audio at all\n');
    const err = await probeError(file);
    expect(err.kind).toBe('failed');
    expect(err.message).toBe(`ffprobe failed on ${file}: Invalid data found when processing input`);
  });

  it('rejects a zero-byte file', async () => {
    const file = tmp.path('empty.mp3');
    await writeFile(file, '');
    const err = await probeError(file);
    expect(err.kind).toBe('failed');
    expect(err.message).toMatch(new RegExp(`^ffprobe failed on ${file}: .+`));
  });

  it('says so when there is no audio stream', async () => {
    const file = tmp.path('picture.png');
    await runFfmpeg(['-f', 'lavfi', '-i', 'color=blue:s=16x16', '-frames:v', '1', file]);
    const err = await probeError(file);
    expect(err.kind).toBe('bad_output');
    expect(err.message).toBe(`no audio stream in ${file}`);
  });

  it('trusts the header of a truncated mp3; only a decode shows the loss', async () => {
    const whole = tmp.path('whole.mp3');
    const cut = tmp.path('cut.mp3');
    await makeTone(whole, { seconds: 4 });
    const fh = await open(whole, 'r');
    const head = Buffer.alloc(12_000);
    await fh.read(head, 0, head.length, 0);
    await fh.close();
    await writeFile(cut, head);
    const result = await probe(cut);
    // The LAME/Xing header still announces the full length...
    expect(result.durationMs).toBeGreaterThanOrEqual(4_000);
    // ...but far fewer frames decode, which is why ingest decodes to verify.
    const frames = await countDecodedFrames(cut);
    expect(frames).toBeGreaterThan(0);
    expect(frames).toBeLessThan(44_100 * 2);
  });
});
