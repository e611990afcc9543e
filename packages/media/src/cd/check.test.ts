import { mkdir, writeFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFfmpeg } from '../runner.js';
import { useTempDir } from '../test-support/tmp.js';
import { checkCdImage } from './check.js';
import { CdImageError } from './errors.js';
import { writeSilentWav } from './test-support/fixtures.js';
import { buildToc } from './toc.js';

const tmp = useTempDir();
let dir = '';

/** A TOC of the given WAV files, written next to them. */
async function toc(name: string, files: string[]): Promise<string> {
  const path = `${dir}/${name}`;
  await writeFile(
    path,
    buildToc({
      title: 'Disc',
      performer: 'Various',
      recordingId: 'R1',
      tracks: files.map((file, i) => ({ file, title: `T${i + 1}`, performer: 'P' })),
    }),
  );
  return path;
}

beforeAll(async () => {
  dir = tmp.path('images');
  await mkdir(dir);
  await writeSilentWav(`${dir}/ok.wav`, 300 * 588);
  await writeSilentWav(`${dir}/short.wav`, 299 * 588);
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    'anullsrc=r=48000:cl=stereo',
    '-t',
    '5',
    '-y',
    `${dir}/48k.wav`,
  ]);
  await runFfmpeg([
    '-f',
    'lavfi',
    '-i',
    'anullsrc=r=44100:cl=mono',
    '-t',
    '5',
    '-y',
    `${dir}/mono.wav`,
  ]);
});

describe('checkCdImage', () => {
  it('passes a good image, with its sectors, from any working directory', async () => {
    const path = await toc('good.toc', ['ok.wav', 'ok.wav']);
    expect(await checkCdImage(path)).toEqual({ ok: true, sectors: 750, problems: [] });
  });

  it.each([
    ['a track under 4 s', 'short.wav', 'WARNING: Track 2: Length is shorter than 4 seconds.'],
    ['a 48 kHz WAV', '48k.wav', 'ERROR: 48k.wav: found sampling rate 48000, require 44100.'],
    ['a mono WAV', 'mono.wav', 'ERROR: mono.wav: found 1 channel(s), require 2 channels.'],
    [
      'a missing WAV',
      'gone.wav',
      'ERROR: Cannot open audio file "gone.wav": No such file or directory',
    ],
  ])("refuses %s with cdrdao's reason", async (_what, file, line) => {
    const path = await toc(`${file}.toc`, ['ok.wav', file]);
    const checked = await checkCdImage(path);
    expect(checked.ok).toBe(false);
    expect(checked.problems).toContain(line);
    // The generic lines cdrdao adds to every failure are left out.
    expect(checked.problems.join('\n')).not.toContain('--force');
  });

  it('reports a TOC cdrdao cannot parse', async () => {
    const path = `${dir}/broken.toc`;
    await writeFile(path, 'CD_DA\nTRACK AUDIO\nFILE "ok.wav" 0\nNONSENSE\n');
    const checked = await checkCdImage(path);
    expect(checked.ok).toBe(false);
    expect(checked.problems[0]).toMatch(/^ERROR: broken\.toc:4: /);
  });

  it('rejects when cdrdao cannot be run', async () => {
    const path = await toc('good.toc', ['ok.wav']);
    const err = await checkCdImage(path, { cdrdao: '/nonexistent/cdrdao' }).catch(
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(CdImageError);
    expect((err as CdImageError).kind).toBe('tool-failed');
    expect((err as CdImageError).message).toBe(
      "cdrdao not found at '/nonexistent/cdrdao': install it (apt-get install cdrdao)",
    );
  });

  it('stops when its signal fires', async () => {
    const path = await toc('good.toc', ['ok.wav']);
    const abort = new AbortController();
    const checking = checkCdImage(path, { signal: abort.signal });
    abort.abort();
    const err = await checking.catch((e: unknown) => e);
    expect((err as CdImageError).kind).toBe('cancelled');
  });
});
