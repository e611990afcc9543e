import path from 'node:path';
import { generateCatalog } from '@jukebox/demo-catalog';
import { describe, expect, it } from 'vitest';
import { connect, until } from '../support.js';
import { badBlobs, enrolledBox, importCatalog, useFleetSuite } from './harness.js';

// The end-to-end path with real processes over loopback: 20 tracks with their covers
// go into the master catalog through the CLI (real ingest: probe, loudness, transcode,
// encrypt), a content set is assigned to an enrolled box, the box's library fills from its
// signed manifest, songs play (decrypted on the fly), and their counts arrive on the server.

const fleet = useFleetSuite('fleet-content');

describe('catalog -> manifest -> box library -> plays -> server counts', () => {
  it(
    'pushes 20 tracks and their covers to a box, which plays them and reports the plays',
    { timeout: 600_000 },
    async () => {
      const music = path.join(fleet.tmp.dir, 'masters');
      await generateCatalog({
        out: music,
        tracks: 20,
        seed: 11,
        minSeconds: 4,
        maxSeconds: 6,
        speak: false,
      });
      // One import of the whole library: the CLI walks the artist and album folders.
      const r = await importCatalog(fleet.server.url, music);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/20 files: 20 imported/);
      const catalog = await fleet.staff.call<{
        tracks: { id: string; title: string }[];
        total: number;
      }>('GET', '/api/v1/catalog/tracks?limit=100');
      expect(catalog.total).toBe(20);

      const { box, boxId } = await enrolledBox(fleet, {
        name: 'contentbox',
        server: fleet.server.url,
        codeName: 'Content box',
      });

      const set = await fleet.staff.call<{ id: number }>('POST', '/api/v1/content-sets', {
        name: 'Bar hits',
      });
      await fleet.staff.call('PUT', `/api/v1/content-sets/${set.id}/items`, {
        trackIds: catalog.tracks.map((t) => t.id),
        graphicIds: [],
      });
      await fleet.staff.call('PUT', `/api/v1/content-sets/${set.id}/boxes/${boxId}`);

      const synced = await until(
        async () => {
          const s = await box.status();
          return (
            s.library.tracks === 20 &&
            s.fleet?.sync?.phase === 'idle' &&
            s.fleet.sync.manifestVersion >= 1 &&
            s
          );
        },
        'the box library to fill',
        1200,
      );
      expect(synced.fleet?.sync?.files.done).toBe(synced.fleet?.sync?.files.total);

      // Every blob on the box is what its name says, and the tracks carry their covers.
      const blobs = badBlobs(box);
      expect(blobs.count).toBeGreaterThanOrEqual(20);
      expect(blobs.bad).toEqual([]);
      const ui = await connect(box.url);
      const page = (await ui.call('listTracks', { limit: 100 })) as {
        value: { items: { id: number; title: string; coverId: string | null }[] };
      };
      expect(page.value.items).toHaveLength(20);
      expect(page.value.items.every((t) => t.coverId !== null)).toBe(true);

      // Three picks play (decrypted) and are counted on the server against the catalog ids.
      const picks = page.value.items.slice(0, 3);
      for (const t of picks)
        expect(await ui.call('enqueue', { trackId: t.id })).toMatchObject({ ok: true });
      ui.close();
      const played = await until(
        async () => {
          const s = await box.status();
          return (
            s.playCounts.reduce((n, c) => n + c.count, 0) === 3 && s.telemetry.pending === 0 && s
          );
        },
        'three plays acknowledged',
        600,
      );
      const report = await fleet.staff.call<{
        rows: { catalogId: string | null; title: string; completedPlays: number }[];
      }>('GET', `/api/v1/reports/plays?boxId=${boxId}`);
      expect(report.rows.map((r) => [r.title, r.completedPlays]).sort()).toEqual(
        played.playCounts.map((c) => [c.title, c.count]).sort(),
      );
      const byTitle = new Map(catalog.tracks.map((t) => [t.title, t.id]));
      for (const r of report.rows) expect(r.catalogId).toBe(byTitle.get(r.title));
    },
  );
});
