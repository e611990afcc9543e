/** What search looks in: tracks (title, artist, album), artists (name), albums (title, artist). */
export type SearchKind = 'track' | 'artist' | 'album';

/** A row that matched, with the words of its fields (most important field first). */
export interface Candidate {
  id: number;
  /** Per field, its words folded by `fieldWords` (scoring.ts); an empty list for a null field. */
  words: readonly (readonly string[])[];
}

/**
 * Where search finds the rows matching typed prefixes. Every token is a prefix of some word of
 * the row, in any field; tokens are ANDed. Two implementations answer alike: the in-memory
 * `SearchIndex` (search-index.ts, used by the library) and the FTS5 tables
 * (`FtsMatches`, fts-matches.ts, the reference it is tested against).
 */
export interface MatchSource {
  /** Catches up with writes to the library tables; called before each search. */
  sync(): void;
  /** The library changed (import, content install, missing files): drop cached answers. */
  invalidate(): void;
  /**
   * Rows matching all `tokens`, counted up to `cap` (the result is at most `cap`). Artists and
   * albums count whether or not they have a track on disk, as their FTS5 tables do.
   */
  count(kind: SearchKind, tokens: readonly string[], cap: number): number;
  /**
   * The first `limit` rows, by ascending id, matching all `tokens`, leaving out artists and
   * albums with no track on disk (missing tracks are never indexed).
   */
  candidates(kind: SearchKind, tokens: readonly string[], limit: number): Candidate[];
  /** Tracks on disk of an artist or album: the `trackCount` search shows. */
  tracksOnDisk(kind: 'artist' | 'album', id: number): number;
}
