import { foldKey } from './text.js';

/**
 * Relevance of one search candidate, computed in JS on at most a few hundred rows.
 *
 * FTS5's bm25() first counts, for every query word, all the rows that contain it (for the IDF
 * term); with prefix words that is a walk over doclists of thousands of rows, several
 * milliseconds per keystroke even when the answer is ten rows. A jukebox search needs
 * something simpler anyway: which field a word hits, and whether it hits a whole word or
 * the start of the name.
 *
 * For each typed word, the best field it starts a word of scores that field's weight (the
 * first field weighs most: title for tracks), half again when it is the whole word, and a
 * bonus when it is the first word of the field. A word that starts no word of any field
 * disqualifies the row (returns null): that is how words left out of the match query are
 * checked.
 */
export function score(fields: readonly (string | null)[], words: readonly string[]): number | null {
  return scoreWords(
    fields.map((f) => (f ? fieldWords(f) : [])),
    words,
  );
}

/**
 * {@link score} on fields already split by {@link fieldWords}: the in-memory search index
 * keeps every row's words folded, so a keystroke does not fold the same names again.
 */
export function scoreWords(
  fields: readonly (readonly string[])[],
  words: readonly string[],
): number | null {
  let total = 0;
  for (const word of words) {
    let best = 0;
    for (let i = 0; i < fields.length; i++) {
      const weight = fields.length - i;
      const inField = fields[i] as readonly string[];
      for (let pos = 0; pos < inField.length; pos++) {
        const w = inField[pos] as string;
        if (!w.startsWith(word)) continue;
        const s = weight * (w === word ? 1.5 : 1) + (pos === 0 ? 0.5 : 0);
        if (s > best) best = s;
      }
    }
    if (best === 0) return null;
    total += best;
  }
  return total;
}

/**
 * The words of a field, folded like search input ({@link foldKey}); ASCII skips the Unicode
 * work. These are the words the in-memory index matches typed prefixes against.
 */
export function fieldWords(text: string): string[] {
  // eslint-disable-next-line no-control-regex -- testing for pure ASCII on purpose
  const ascii = /^[\x00-\x7f]*$/.test(text);
  return (ascii ? text.toLowerCase() : foldKey(text)).match(/[\p{L}\p{N}]+/gu) ?? [];
}
