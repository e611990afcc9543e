import { readdir, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import type { FleetManifest, SignedManifest } from '@jukebox/protocol';
import type { Db } from '../db/index.js';
import { cachedStatement } from '../db/statements.js';
import { replaceFleetSlides } from '../library/attract.js';
import type { Library } from '../library/index.js';
import { CatalogWriter } from '../library/writer.js';
import type { Logger } from '../log.js';

/*
 * The last steps of a content sync, once every blob is on disk and verified: the library takes
 * the manifest (content-sync.ts decides when), and blobs it no longer lists are deleted.
 */

const IMAGE_TYPES: [RegExp, string][] = [
  [/^\xff\xd8\xff/, 'image/jpeg'],
  [/^\x89PNG/, 'image/png'],
  [/^RIFF....WEBP/s, 'image/webp'],
];

/** What installing needs of the box. */
export interface InstallContext {
  db: Db;
  library: Library;
  /** Where the manifest's blobs are, all verified. */
  blobsDir: string;
  log: Logger;
}

/**
 * The library takes a manifest's tracks and attract slides in ONE transaction, with the
 * manifest row: new and changed tracks in (keyed by catalog id, so play history keeps its
 * track), tracks no longer listed hidden from the menu, the attract slides replaced by the
 * manifest's. Images (covers and attract slides) are stored first, outside the transaction.
 */
export async function installManifest(
  ctx: InstallContext,
  manifest: FleetManifest,
  signed: SignedManifest,
  now: Date,
): Promise<void> {
  const { db, library } = ctx;
  // Images first (files, outside the transaction): tracks and slides refer to them by id.
  // Both kinds go to the covers store; skins are not used on the box yet.
  const covers = new Map<string, string>();
  const slides: string[] = [];
  for (const g of manifest.graphics) {
    if (g.kind !== 'cover' && g.kind !== 'attract') continue;
    const bytes = await readFile(path.join(ctx.blobsDir, g.sha256));
    const mime = IMAGE_TYPES.find(([re]) => re.test(bytes.subarray(0, 12).toString('latin1')))?.[1];
    if (mime === undefined) {
      ctx.log.warn(
        { sha256: g.sha256, name: g.name, kind: g.kind },
        `${g.kind} graphic is not a JPEG, PNG or WebP; skipped`,
      );
      continue;
    }
    const coverId = await library.covers.put(bytes, mime);
    if (g.kind === 'cover') covers.set(g.sha256, coverId);
    else slides.push(coverId);
  }
  const writer = new CatalogWriter(db);
  const byCatalogId = cachedStatement<[string], { id: number }>(
    db,
    'SELECT id FROM tracks WHERE catalog_id = ?',
  );
  const setFleetColumns = db.prepare<
    [string, string, string, number | null, string | null, number]
  >(
    `UPDATE tracks SET catalog_id = ?, content_sha256 = ?, wrapped_key = ?, gain_db = ?,
       loudness_error = ?, missing = 0 WHERE id = ?`,
  );
  writer.batch(() => {
    const listed = new Set<string>();
    for (const t of manifest.tracks) {
      listed.add(t.trackId);
      const m = t.metadata;
      const fields = {
        title: m.title,
        artist: m.artist,
        album: m.album ?? null,
        genre: m.genre ?? null,
        year: m.year ?? null,
        trackNo: null,
        isrc: m.isrc ?? null,
        explicit: m.explicit,
        durationMs: m.durationMs,
      };
      const file = {
        path: path.join(ctx.blobsDir, t.sha256),
        fileSize: t.size,
        fileMtimeMs: null,
        coverId: (m.coverSha256 && covers.get(m.coverSha256)) ?? null,
      };
      const existing = byCatalogId.get(t.trackId);
      const id = existing
        ? (writer.update(existing.id, { ...fields, ...file }), existing.id)
        : writer.add(fields, file);
      // The gain comes with the manifest (measured at ingest); an encrypted file cannot be
      // measured here, so without one the loudness job is told to leave it alone.
      setFleetColumns.run(
        t.trackId,
        t.sha256,
        t.wrappedKey,
        m.gainDb ?? null,
        m.gainDb === undefined ? 'fleet track delivered without a gain' : null,
        id,
      );
    }
    const gone = db
      .prepare<[], { id: number; catalogId: string }>(
        'SELECT id, catalog_id AS catalogId FROM tracks WHERE catalog_id IS NOT NULL AND missing = 0',
      )
      .all()
      .filter((r) => !listed.has(r.catalogId));
    const hide = db.prepare<[number]>('UPDATE tracks SET missing = 1 WHERE id = ?');
    const unindex = db.prepare<[number]>('DELETE FROM track_search WHERE rowid = ?');
    for (const r of gone) {
      hide.run(r.id);
      unindex.run(r.id);
    }
    replaceFleetSlides(db, slides);
    db.prepare(
      `INSERT OR REPLACE INTO manifests (version, issued_at, expires_at, accepted_at, tracks, graphics, signed)
       VALUES (?, ?, ?, ?, ?, ?, ?)`,
    ).run(
      manifest.version,
      manifest.issuedAt,
      manifest.expiresAt,
      now.toISOString(),
      manifest.tracks.length,
      manifest.graphics.length,
      JSON.stringify(signed),
    );
  });
  ctx.log.info(
    {
      version: manifest.version,
      tracks: manifest.tracks.length,
      graphics: manifest.graphics.length,
      attractSlides: slides.length,
    },
    'content installed',
  );
}

/** Deletes blobs and partial downloads the manifest no longer lists, except those in use. */
export async function collectGarbage(
  dirs: readonly string[],
  manifest: FleetManifest,
  inUse: ReadonlySet<string>,
  log: Logger,
): Promise<void> {
  const keep = new Set([
    ...manifest.tracks.map((t) => t.sha256),
    ...manifest.graphics.map((g) => g.sha256),
    ...inUse,
  ]);
  for (const dir of dirs) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names) {
      const sha = name.replace(/\.part$/, '');
      if (keep.has(sha)) continue;
      await rm(path.join(dir, name), { force: true });
      log.info({ sha256: sha }, 'blob no longer listed; deleted');
    }
  }
}
