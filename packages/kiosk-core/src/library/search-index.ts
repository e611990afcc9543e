import { cachedStatement, type Db } from '../db/index.js';
import type { Candidate, MatchSource, SearchKind } from './matches.js';
import { PrefixIndex, type FieldWords } from './prefix-index.js';
import { fieldWords } from './scoring.js';
import { TrackChanges } from './track-changes.js';

/** One index per connection: two libraries on one database share it (and its change log). */
const byConnection = new WeakMap<Db, SearchIndex>();

/**
 * Search-as-you-type matches from memory: titles, artists and albums in {@link PrefixIndex}es
 * beside the FTS5 tables, answering like them (same rows, same order) in microseconds where
 * FTS5 walks doclists for milliseconds.
 *
 * It reads the tracks, artists and albums tables once when made, then follows the changes:
 * tracks through {@link TrackChanges} (TEMP triggers), artists and albums by id, as they are
 * only ever added. Missing tracks are left out, as track_search leaves them out; artists and
 * albums stay indexed and are shown while they have a track on disk, which is counted here.
 *
 * Words are folded like typed text (`foldKey`), so "soren" finds "Søren", which FTS5's
 * tokenizer keeps as "søren".
 */
export class SearchIndex implements MatchSource {
  private readonly rows: Record<SearchKind, PrefixIndex> = {
    track: new PrefixIndex(),
    artist: new PrefixIndex(),
    album: new PrefixIndex(),
  };
  /** Tracks on disk per artist and per album. */
  private readonly onDisk = { artist: new Map<number, number>(), album: new Map<number, number>() };
  /** Indexed track id -> its artist and album id (0: none), to count it off when it changes. */
  private readonly artistOf: number[] = [];
  private readonly albumOf: number[] = [];
  private lastArtist = 0;
  private lastAlbum = 0;
  private readonly changes: TrackChanges;

  /** The index of a connection, read from its tables the first time. */
  static of(db: Db): SearchIndex {
    let index = byConnection.get(db);
    if (index === undefined) {
      index = new SearchIndex(db);
      byConnection.set(db, index);
    }
    return index;
  }

  private constructor(private readonly db: Db) {
    this.changes = new TrackChanges(db);
    // The log is cleared first: everything logged until now is in the tables read below.
    this.changes.clear();
    this.addArtistsAndAlbums();
    // Raw rows: a 100,000-row read as objects costs twice as long. NOT INDEXED: reading the
    // table in rowid order beats the (missing, ...) index followed by a sort on id.
    const tracks = cachedStatement<[], [number, string, number, number | null]>(
      db,
      'SELECT id, title, artist_id, album_id FROM tracks NOT INDEXED WHERE missing = 0 ORDER BY id',
    )
      .raw()
      .all();
    for (const [id, title, artistId, albumId] of tracks) {
      this.addTrack(id, title, artistId, albumId);
    }
  }

  /** Rows and distinct words per kind (for tests and diagnostics). */
  stats(): Record<SearchKind, { rows: number; words: number }> {
    const of = (k: SearchKind) => ({ rows: this.rows[k].size, words: this.rows[k].words });
    return { track: of('track'), artist: of('artist'), album: of('album') };
  }

  /**
   * Applies the logged track changes and reads new artists and albums. Costs one query when
   * nothing changed. Inside a transaction it waits: what it would read may be rolled back.
   */
  sync(): void {
    if (this.db.inTransaction) return;
    const changed = this.changes.take();
    if (changed.length === 0) return;
    this.addArtistsAndAlbums();
    for (const t of changed) {
      this.removeTrack(t.id);
      if (t.missing === 0 && t.title !== null && t.artistId !== null) {
        this.addTrack(t.id, t.title, t.artistId, t.albumId);
      }
    }
  }

  /** Changes are followed as they are logged; this only catches up early. */
  invalidate(): void {
    this.sync();
  }

  count(kind: SearchKind, tokens: readonly string[], cap: number): number {
    return this.rows[kind].count(tokens, cap);
  }

  candidates(kind: SearchKind, tokens: readonly string[], limit: number): Candidate[] {
    const index = this.rows[kind];
    const keep = kind === 'track' ? null : (id: number) => (this.onDisk[kind].get(id) ?? 0) > 0;
    return index
      .matches(tokens, limit, keep)
      .map((id) => ({ id, words: index.fields(id) as FieldWords }));
  }

  tracksOnDisk(kind: 'artist' | 'album', id: number): number {
    return this.onDisk[kind].get(id) ?? 0;
  }

  private addArtistsAndAlbums(): void {
    for (const a of cachedStatement<[number], { id: number; name: string }>(
      this.db,
      'SELECT id, name FROM artists WHERE id > ? ORDER BY id',
    ).iterate(this.lastArtist)) {
      this.rows.artist.set(a.id, [this.rows.artist.intern(fieldWords(a.name))]);
      this.lastArtist = a.id;
    }
    for (const al of cachedStatement<[number], { id: number; title: string; artistId: number }>(
      this.db,
      'SELECT id, title, artist_id AS artistId FROM albums WHERE id > ? ORDER BY id',
    ).iterate(this.lastAlbum)) {
      // The album's artist is in its search row: "rumours fleet" finds the album.
      const title = this.rows.album.intern(fieldWords(al.title));
      this.rows.album.set(al.id, [title, this.artistWords(al.artistId)]);
      this.lastAlbum = al.id;
    }
  }

  /** Indexes a track on disk with its artist's and album's words (shared, not copied). */
  private addTrack(id: number, title: string, artistId: number, albumId: number | null): void {
    const album = albumId === null ? [] : (this.rows.album.fields(albumId)?.[0] ?? []);
    const index = this.rows.track;
    index.set(id, [index.intern(fieldWords(title)), this.artistWords(artistId), album]);
    this.artistOf[id] = artistId;
    this.albumOf[id] = albumId ?? 0;
    bump(this.onDisk.artist, artistId, 1);
    if (albumId !== null) bump(this.onDisk.album, albumId, 1);
  }

  private removeTrack(id: number): void {
    if (!this.rows.track.delete(id)) return;
    bump(this.onDisk.artist, this.artistOf[id] as number, -1);
    const album = this.albumOf[id] as number;
    if (album !== 0) bump(this.onDisk.album, album, -1);
  }

  private artistWords(artistId: number): readonly string[] {
    return this.rows.artist.fields(artistId)?.[0] ?? [];
  }
}

function bump(counts: Map<number, number>, id: number, by: number): void {
  const n = (counts.get(id) ?? 0) + by;
  if (n > 0) counts.set(id, n);
  else counts.delete(id);
}
