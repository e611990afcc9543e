import type { Db } from '../../db/index.js';
import { fieldWords } from '../scoring.js';
import { searchTokens } from '../text.js';

/** A field whose FTS5 tokens are not the words `fieldWords` makes of it. */
export interface FoldDifference {
  text: string;
  ours: string[];
  fts: string[];
}

const tables = {
  track_search: ['title', 'artist', 'album'],
  artist_search: ['name'],
  album_search: ['title', 'artist'],
} as const;

/**
 * Every indexed field that FTS5's unicode61 tokenizer splits or folds differently from
 * `fieldWords` (it keeps ø, æ, ß, ı...), read back from FTS5 itself through fts5vocab.
 */
export function ftsFoldDifferences(db: Db): FoldDifference[] {
  const out = new Map<string, FoldDifference>();
  for (const [table, columns] of Object.entries(tables)) {
    db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp.${table}_terms
      USING fts5vocab(main, ${table}, instance)`);
    const terms = new Map<string, string[]>();
    for (const t of db
      .prepare<[], { doc: number; col: string; term: string }>(
        `SELECT doc, col, term FROM temp.${table}_terms ORDER BY doc, col, offset`,
      )
      .all()) {
      const key = `${t.doc}:${t.col}`;
      terms.set(key, [...(terms.get(key) ?? []), t.term]);
    }
    const rows = db.prepare(`SELECT rowid, ${columns.join(', ')} FROM ${table}`).all() as Record<
      string,
      string | number | null
    >[];
    for (const row of rows) {
      for (const col of columns) {
        const text = row[col];
        if (typeof text !== 'string') continue;
        const ours = fieldWords(text);
        const fts = terms.get(`${row.rowid}:${col}`) ?? [];
        if (ours.join(' ') !== fts.join(' ')) out.set(text, { text, ours, fts });
      }
    }
    db.exec(`DROP TABLE temp.${table}_terms`);
  }
  return [...out.values()];
}

/** The words that only one side has in some field: "søren" for FTS5, "soren" for ours. */
export function oneSidedWords(differences: readonly FoldDifference[]): string[] {
  const words = new Set<string>();
  for (const d of differences) {
    for (const w of d.ours) if (!d.fts.includes(w)) words.add(w);
    for (const w of d.fts) if (!d.ours.includes(w)) words.add(w);
  }
  return [...words];
}

/**
 * Whether a typed query may match a row differently in FTS5 than in the in-memory index: one
 * of its words is a prefix of a one-sided word. (Conservative: such a row may still match on
 * both sides through another of its words.)
 */
export function foldSensitive(query: string, oneSided: readonly string[]): boolean {
  return searchTokens(query).some((t) => oneSided.some((w) => w.startsWith(t)));
}
