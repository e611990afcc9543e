import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runFfmpeg } from '../runner.js';
import { useTempDir } from '../test-support/tmp.js';
import { inspectSource } from './source.js';
import { readTrackMetadata, text } from './tags.js';
import { addRtngAtom, makeImage, makeNoise, makeTaggedMp3 } from './test-support/fixtures.js';

const tmp = useTempDir();

async function inspect(file: string) {
  const warnings: string[] = [];
  const facts = await inspectSource(file, {}, warnings);
  return { ...facts, warnings };
}

describe('metadata extraction (real files, ffprobe + music-metadata)', () => {
  it('reads an ID3v2.4 MP3 tagged like the demo catalog: ISRC, explicit, cover', async () => {
    const coverFile = tmp.path('cover.jpg');
    await writeFile(coverFile, await makeImage({ width: 300, height: 300 }));
    const file = tmp.path('explicit.mp3');
    await makeTaggedMp3(file, {
      seconds: 2,
      coverFile,
      tags: {
        title: 'Neon Harbour',
        artist: 'The Quiet Lanterns',
        album_artist: 'The Quiet Lanterns',
        album: 'Low Tide',
        genre: 'Synthpop',
        date: '1987',
        track: '4/11',
        TSRC: 'gb-aye-87-00123',
        ITUNESADVISORY: '1',
      },
    });
    const { metadata, embeddedCover, probe, warnings } = await inspect(file);
    expect(metadata).toEqual({
      title: 'Neon Harbour',
      artist: 'The Quiet Lanterns',
      albumArtist: 'The Quiet Lanterns',
      album: 'Low Tide',
      genre: 'Synthpop',
      year: 1987,
      trackNo: 4,
      isrc: 'GBAYE8700123',
      explicit: true,
      advisory: 'explicit',
    });
    expect(warnings).toEqual([]);
    expect(probe.audio).toMatchObject({ codec: 'mp3', sampleRate: 44_100, channels: 2 });
    expect(embeddedCover).not.toBeNull();
    expect(Buffer.from(embeddedCover!).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
  });

  it('reads a clean advisory from ID3v2.3 and a track without an advisory as unknown', async () => {
    const clean = tmp.path('clean.mp3');
    await makeTaggedMp3(clean, {
      seconds: 1,
      id3v2Version: 3,
      tags: { title: 'Clean Cut', ITUNESADVISORY: '2', TSRC: 'USS1Z9900001' },
    });
    const a = await inspect(clean);
    expect(a.metadata).toMatchObject({ explicit: false, advisory: 'clean', isrc: 'USS1Z9900001' });

    const untagged = tmp.path('untagged.wav');
    await makeNoise(untagged, { frames: 44_100 });
    const b = await inspect(untagged);
    expect(b.metadata).toEqual({
      title: null,
      artist: null,
      albumArtist: null,
      album: null,
      genre: null,
      year: null,
      trackNo: null,
      isrc: null,
      explicit: false,
      advisory: null,
    });
    expect(b.embeddedCover).toBeNull();
  });

  it('reads Vorbis comments in FLAC (ISRC, ITUNESADVISORY)', async () => {
    const file = tmp.path('tagged.flac');
    await makeNoise(file, {
      frames: 48_000,
      rate: 48_000,
      extra: [
        '-metadata',
        'TITLE=Glass Orchard',
        '-metadata',
        'ARTIST=Marta Oyelaran',
        '-metadata',
        'DATE=2019-05-03',
        '-metadata',
        'ISRC=NL-A1B-19-00042',
        '-metadata',
        'ITUNESADVISORY=1',
      ],
    });
    const { metadata } = await inspect(file);
    expect(metadata).toMatchObject({
      title: 'Glass Orchard',
      artist: 'Marta Oyelaran',
      year: 2019,
      isrc: 'NLA1B1900042',
      explicit: true,
    });
  });

  it('reads the rtng atom of an iTunes-style M4A', async () => {
    const file = tmp.path('advisory.m4a');
    await runFfmpeg([
      '-f',
      'lavfi',
      '-i',
      'sine=d=1',
      '-c:a',
      'aac',
      '-metadata',
      'title=Parental Advisory',
      '-y',
      file,
    ]);
    await addRtngAtom(file, 1);
    const { metadata } = await inspect(file);
    expect(metadata).toMatchObject({
      title: 'Parental Advisory',
      explicit: true,
      advisory: 'explicit',
    });
    await addRtngAtom(file, 2); // a second atom, clean: explicit still wins
    expect((await inspect(file)).metadata.explicit).toBe(true);
  });

  it('drops a malformed ISRC with a warning and cleans control characters from text', async () => {
    const file = tmp.path('messy.mp3');
    await makeTaggedMp3(file, {
      seconds: 1,
      tags: { title: 'Tab\there\u0001', artist: '   ', TSRC: 'US-S1Z-99-0001' },
    });
    const { metadata, warnings } = await inspect(file);
    expect(metadata.title).toBe('Tab here');
    expect(metadata.artist).toBeNull();
    expect(metadata.isrc).toBeNull();
    expect(warnings).toEqual(['ignored a malformed ISRC tag "US-S1Z-99-0001"']);
  });
});

describe('readTrackMetadata', () => {
  it('falls back to ffprobe tags when music-metadata could not parse the file', () => {
    const warnings: string[] = [];
    const metadata = readTrackMetadata(
      null,
      {
        title: 'Fallback',
        artist: 'Probe Only',
        date: '2001-02-03',
        track: '7/12',
        tsrc: 'us-s1z-01-00007',
        itunesadvisory: '4',
      },
      warnings,
    );
    expect(metadata).toMatchObject({
      title: 'Fallback',
      artist: 'Probe Only',
      year: 2001,
      trackNo: 7,
      isrc: 'USS1Z0100007',
      explicit: true,
    });
    expect(warnings).toEqual([]);
  });

  it('rejects years outside the catalog range and non-positive track numbers', () => {
    const metadata = readTrackMetadata(null, { date: '0999', track: '0' }, []);
    expect(metadata.year).toBeNull();
    expect(metadata.trackNo).toBeNull();
  });

  it('warns about a second, different ISRC and keeps the first', () => {
    const warnings: string[] = [];
    const m = readTrackMetadata(
      {
        common: {
          track: { no: null, of: null },
          disk: { no: null, of: null },
          movementIndex: { no: null, of: null },
          isrc: ['USS1Z9900001', 'GBAYE0500123'],
        },
        native: {},
      },
      {},
      warnings,
    );
    expect(m.isrc).toBe('USS1Z9900001');
    expect(warnings).toEqual([
      'the file carries two ISRCs; kept USS1Z9900001, ignored GBAYE0500123',
    ]);
  });

  it('cuts text at 300 code points without splitting a surrogate pair', () => {
    const long = `${'a'.repeat(299)}🎵🎵`;
    expect(Array.from(text(long)!)).toHaveLength(300);
    expect(text(long)!.endsWith('🎵')).toBe(true);
  });
});
