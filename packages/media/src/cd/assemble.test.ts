import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, readdir, stat } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveChildCount } from '../children.js';
import { ffmpegChildren } from '../ingest/test-support/fixtures.js';
import { useTempDir } from '../test-support/tmp.js';
import { assembleCdImage, type CdImage } from './assemble.js';
import { checkCdImage } from './check.js';
import type { CdImageProgress } from './request.js';
import { makeSource, plainDecode, run, type SourceSpec } from './test-support/fixtures.js';

const tmp = useTempDir();

// Every kind of source the terminal meets, a few seconds each: MP3 and FLAC, 44.1 and
// 48 kHz, mono and stereo, one read over HTTP. Lengths are not whole sectors on purpose.
const SOURCES: { name: string; spec: SourceSpec }[] = [
  { name: 'a.mp3', spec: { seconds: 4.6, rate: 44_100, channels: 2, signal: 'noise', seed: 1 } },
  { name: 'b.flac', spec: { seconds: 4.3, rate: 48_000, channels: 1, signal: 'sine', seed: 2 } },
  { name: 'c.mp3', spec: { seconds: 5.1, rate: 48_000, channels: 2, signal: 'noise', seed: 3 } },
  { name: 'd.flac', spec: { seconds: 4.05, rate: 44_100, channels: 1, signal: 'noise', seed: 4 } },
  { name: 'e.mp3', spec: { seconds: 4.4, rate: 44_100, channels: 1, signal: 'sine', seed: 5 } },
];
const TITLES = ['Say "Hello"', 'Back\\slash', 'Plain Song', 'Café Society', 'Over HTTP'];
const ISRCS = ['USABC2400001', undefined, 'GBXYZ9900042', 'FRZ0A2512345', undefined];
const RECORDING_ID = 'R7K3M9QXP2D4F8H1J';
const MCN = '0123456789012';

let server: Server;
let sources: string[] = [];
let image: CdImage;
let outDir = '';
const progress: CdImageProgress[] = [];

beforeAll(async () => {
  await Promise.all(SOURCES.map((s) => makeSource(tmp.path(s.name), s.spec)));
  server = createServer((req, res) => {
    const file = tmp.path(String(req.url).slice(1));
    stat(file).then(
      (info) => {
        res.writeHead(200, { 'content-type': 'audio/mpeg', 'content-length': info.size });
        createReadStream(file).pipe(res);
      },
      () => res.writeHead(404).end(),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  sources = SOURCES.map((s, i) =>
    i === 4 ? `http://127.0.0.1:${port}/${s.name}` : tmp.path(s.name),
  );
  outDir = tmp.path('images');
  image = await assembleCdImage({
    hashPcm: true,
    tracks: sources.map((source, i) => ({
      source,
      title: TITLES[i]!,
      performer: `Artist ${i + 1}`,
      ...(ISRCS[i] === undefined ? {} : { isrc: ISRCS[i] }),
    })),
    title: 'Kiosk "Mix" 2026',
    performer: 'Various Artists',
    mcn: MCN,
    recordingId: RECORDING_ID,
    outDir,
    media: '80',
    concurrency: 2,
    onProgress: (p) => progress.push(p),
  });
}, 60_000);

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

describe('assembleCdImage', () => {
  it('leaves one finished folder named after the recording, and no temp folder', async () => {
    expect(image.dir).toBe(`${outDir}/${RECORDING_ID}`);
    expect(image.tocPath).toBe(`${image.dir}/disc.toc`);
    expect(await readdir(outDir)).toEqual([RECORDING_ID]);
    expect((await readdir(image.dir)).sort()).toEqual([
      '01.wav',
      '02.wav',
      '03.wav',
      '04.wav',
      '05.wav',
      'disc.toc',
    ]);
    expect(image.tracks.map((t) => t.file)).toEqual(
      [1, 2, 3, 4, 5].map((n) => `${image.dir}/0${n}.wav`),
    );
    expect(ffmpegChildren()).toEqual([]);
    expect(liveChildCount()).toBe(0);
  });

  it('passes cdrdao toc-size and read-test, with the sectors it reports', async () => {
    const checked = await checkCdImage(image.tocPath);
    expect(checked).toEqual({ ok: true, sectors: image.totalSectors, problems: [] });
    expect(image.totalSectors).toBe(150 + image.tracks.reduce((s, t) => s + t.sectors, 0));
  });

  it('holds for each track exactly the PCM a plain ffmpeg decode of its source gives', async () => {
    for (const [i, track] of image.tracks.entries()) {
      const reference = await plainDecode(sources[i]!);
      expect(track.frames, `track ${i + 1}`).toBe(reference.frames);
      expect(track.pcmSha256, `track ${i + 1}`).toBe(reference.sha256);
      expect(track.sectors).toBe(Math.ceil(track.frames / 588));
      expect(track.durationMs).toBe(Math.round((track.frames * 1000) / 44_100));

      const wav = await readFile(track.file);
      expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
      expect(wav.readUInt16LE(22)).toBe(2); // channels
      expect(wav.readUInt32LE(24)).toBe(44_100);
      expect(wav.readUInt16LE(34)).toBe(16);
      expect(wav.readUInt32LE(40)).toBe(track.sectors * 2352);
      expect(wav.length).toBe(44 + track.sectors * 2352);
      const pcm = wav.subarray(44, 44 + track.frames * 4);
      expect(createHash('sha256').update(pcm).digest('hex')).toBe(reference.sha256);
      expect(wav.subarray(44 + track.frames * 4).every((b) => b === 0)).toBe(true);
    }
  });

  it('keeps the lengths of the sources: mono and 48 kHz ones too', () => {
    // 4.3 s at 48 kHz resampled to 44.1 kHz is 189,630 frames: 323 sectors once padded.
    const expected = SOURCES.map((s) => Math.round(s.spec.seconds * 75));
    const sectors = image.tracks.map((t) => t.sectors);
    for (const [i, n] of sectors.entries()) {
      // MP3 keeps its decoder delay trimmed (LAME header), so lengths match to a sector.
      expect(Math.abs(n - expected[i]!), `track ${i + 1}: ${n} vs ${expected[i]}`).toBeLessThan(2);
    }
  });

  it('shows cdrdao the track layout, ISRCs and the MCN', () => {
    const shown = run('cdrdao', ['show-toc', 'disc.toc'], image.dir);
    expect(shown.status).toBe(0);
    expect(shown.stdout).toContain(`CATALOG NUMBER: ${MCN}`);
    expect(shown.stdout).toContain('ISRC US ABC 24 00001');
    expect(shown.stdout).toContain('ISRC GB XYZ 99 00042');
    expect(shown.stdout).toContain('ISRC FR Z0A 25 12345');
    expect(shown.stdout).toContain('PREGAP 00:02:00(   150)');
    // Whole sectors: cdrdao pads nothing (it marks a padded end "END*").
    expect(shown.stdout).not.toContain('END*');
    const starts = [...shown.stdout.matchAll(/START\s+\S+\(\s*(\d+)\)/g)].map((m) => Number(m[1]));
    const ends = [...shown.stdout.matchAll(/END\s+\S+\(\s*(\d+)\)/g)].map((m) => Number(m[1]));
    expect(starts.length).toBe(5);
    expect(ends.map((end, i) => end - starts[i]!)).toEqual(image.tracks.map((t) => t.sectors));
    expect(ends[4]).toBe(image.totalSectors);
  });

  it('shows cueprint the CD-TEXT, the ISRCs and the recording id', () => {
    const cue = run('cueprint', ['-i', 'toc', 'disc.toc'], image.dir);
    expect(cue.status).toBe(0);
    expect(cue.stdout).toMatch(/^no\. of tracks:\s+5$/m);
    expect(cue.stdout).toMatch(/^performer:\s+Various Artists$/m);
    expect(cue.stdout).toMatch(new RegExp(`^message:\\s+${RECORDING_ID}$`, 'm'));
    for (let i = 1; i <= 5; i++)
      expect(cue.stdout).toMatch(new RegExp(`^perfomer:\\s+Artist ${i}$`, 'm'));
    expect(cue.stdout).toMatch(/^title:\s+Plain Song$/m);
    expect(cue.stdout).toMatch(/^ISRC:\s+USABC2400001$/m);
    expect(cue.stdout).toMatch(/^ISRC:\s+FRZ0A2512345$/m);
  });

  it("gives cdrdao's parser the titles as written: quotes, backslash, Latin-1", () => {
    // cueprint prints strings still escaped; toc2cddb (from cdrdao) goes through its parser.
    const cddb = run('toc2cddb', ['disc.toc'], image.dir);
    expect(cddb.status).toBe(0);
    expect(cddb.stdout).toContain('DTITLE=Various Artists / Kiosk "Mix" 2026\n');
    expect(cddb.stdout).toContain('TTITLE0=Say "Hello"\n');
    expect(cddb.stdout).toContain('TTITLE1=Back\\\\slash\n'); // xmcd escapes the backslash
    expect(cddb.stdout).toContain('TTITLE3=Café Society\n');
  });

  it('writes the recording id as the disc MESSAGE and DISC_ID', async () => {
    const toc = await readFile(image.tocPath, 'latin1');
    expect(toc).toContain(`    MESSAGE "${RECORDING_ID}"\n    DISC_ID "${RECORDING_ID}"\n`);
  });

  it('reports progress per finished track, reaching 1 when the image is in place', () => {
    expect(progress[0]).toEqual({ tracksDone: 0, tracksTotal: 5, fraction: 0 });
    expect(progress.at(-1)).toEqual({ tracksDone: 5, tracksTotal: 5, fraction: 1 });
    expect(progress.map((p) => p.tracksDone)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('has nothing to say about CD-TEXT when every string is Latin-1', () => {
    expect(image.warnings).toEqual([]);
  });
});
