import { catalogRecord } from '@jukebox/protocol';
import { describe, expect, it } from 'vitest';
import { parseCommand } from './cli-args.js';
import { readExplicitFlag } from './explicit.js';
import { metadataRecords } from './metadata.js';
import { LOUDNESS_RANGE_LUFS, planCatalog } from './plan.js';

describe('planCatalog', () => {
  it('is the same for the same seed and different for another', () => {
    expect(planCatalog({ seed: 7 })).toEqual(planCatalog({ seed: 7 }));
    const titles = (seed: number) => planCatalog({ seed }).tracks.map((t) => t.title);
    expect(titles(7)).not.toEqual(titles(8));
  });

  it('has the default shape: 60 tracks, 15 artists, 20 albums, 8 genres, unique ISRCs', () => {
    const plan = planCatalog();
    expect(plan.tracks).toHaveLength(60);
    expect(plan.artists).toHaveLength(15);
    expect(plan.albums).toHaveLength(20);
    expect(new Set(plan.tracks.map((t) => t.genre)).size).toBe(8);
    expect(new Set(plan.tracks.map((t) => t.isrc)).size).toBe(60);
    expect(new Set(plan.tracks.map((t) => t.path)).size).toBe(60);
    const explicit = plan.tracks.filter((t) => t.explicit).length;
    expect(explicit).toBeGreaterThanOrEqual(6);
    expect(explicit).toBeLessThanOrEqual(9);
    for (const t of plan.tracks) {
      expect(catalogRecord.shape.isrc.parse(t.isrc)).toBe(t.isrc);
      expect(t.durationMs).toBeGreaterThanOrEqual(20_000);
      expect(t.durationMs).toBeLessThanOrEqual(40_000);
      expect(t.loudnessLufs).toBeGreaterThanOrEqual(LOUDNESS_RANGE_LUFS[0]);
      expect(t.loudnessLufs).toBeLessThanOrEqual(LOUDNESS_RANGE_LUFS[1]);
      expect(t.path).toMatch(/^[^/]+\/[^/]+\/\d\d [^/]+\.mp3$/);
    }
  });

  it('has names that exercise search and A–Z: accents, "The ...", a leading digit', () => {
    const names = planCatalog().artists.map((a) => a.name);
    expect(names.some((n) => /[^\p{ASCII}]/u.test(n))).toBe(true);
    expect(names.some((n) => n.startsWith('The '))).toBe(true);
    expect(names.some((n) => /^\d/.test(n))).toBe(true);
    expect(names.some((n) => n.startsWith('Los '))).toBe(true);
  });
});

describe('metadataRecords', () => {
  it('yields N valid CatalogRecords with many artists and a skewed distribution', () => {
    const records = [...metadataRecords({ tracks: 5000, seed: 3 })];
    expect(records).toHaveLength(5000);
    for (const r of records) expect(catalogRecord.parse(r)).toEqual(r);
    expect(records.every((r) => r.path === null)).toBe(true);
    const perArtist = new Map<string, number>();
    for (const r of records) perArtist.set(r.artist, (perArtist.get(r.artist) ?? 0) + 1);
    expect(perArtist.size).toBeGreaterThan(100);
    const counts = [...perArtist.values()].sort((a, b) => b - a);
    // Zipf-ish: the biggest artist has many times the median's tracks.
    expect(counts[0]!).toBeGreaterThan(10 * counts[Math.floor(counts.length / 2)]!);
    expect(new Set(records.map((r) => r.isrc)).size).toBe(5000);
  });
});

describe('readExplicitFlag', () => {
  const meta = (id: string, value: unknown) => ({ native: { 'ID3v2.4': [{ id, value }] } });
  it('reads the iTunes advisory TXXX frame', () => {
    expect(readExplicitFlag(meta('TXXX:ITUNESADVISORY', '1'))).toBe(true);
    expect(readExplicitFlag(meta('TXXX:ITUNESADVISORY', '2'))).toBe(false);
    expect(readExplicitFlag(meta('rtng', 4))).toBe(true);
    expect(readExplicitFlag(meta('TIT2', '1'))).toBe(false);
    expect(readExplicitFlag({ native: {} })).toBe(false);
  });
});

describe('parseCommand', () => {
  it('accepts good arguments', () => {
    const r = parseCommand(['generate', '--out', 'x', '--tracks', '5', '--speak', '--jobs', '2']);
    expect(r).toMatchObject({
      ok: true,
      value: { command: 'generate', options: { out: 'x', tracks: 5, speak: true, jobs: 2 } },
    });
  });
  it.each([
    [['generate']],
    [['generate', '--out', 'x', '--tracks', 'many']],
    [['generate', '--out', 'x', '--bogus']],
    [['generate', '--out', 'x', '--min-seconds', '30', '--max-seconds', '10']],
    [['metadata', '--out', 'f', '--tracks', '0']],
    [['explode']],
  ])('rejects %j', (argv) => {
    expect(parseCommand(argv).ok).toBe(false);
  });
});
