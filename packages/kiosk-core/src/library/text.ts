/** Letters that Unicode decomposition does not split into a base letter plus a mark. */
const extraFolds: Record<string, string> = {
  ø: 'o',
  æ: 'ae',
  œ: 'oe',
  ß: 'ss',
  ł: 'l',
  đ: 'd',
  ð: 'd',
  þ: 'th',
  ı: 'i',
};

/**
 * Folds a name for sorting and A–Z letters: compatibility-decomposed, marks removed, lower
 * case. "Édith Piaf" -> "edith piaf", "Zoë" -> "zoe", "Øystein" -> "oystein".
 */
export function foldKey(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[øæœßłđðþı]/g, (c) => extraFolds[c] ?? c)
    .trim();
}

/** The A–Z index letter of a folded key: 'A'..'Z', or '#' for digits, symbols and other scripts. */
export function letterOf(key: string): string {
  const first = key.charAt(0);
  return first >= 'a' && first <= 'z' ? first.toUpperCase() : '#';
}

/**
 * Turns what a patron typed into a safe FTS5 query: every word becomes a quoted prefix term
 * ("bea" -> "bea"*), terms are ANDed. Only letters, digits and marks survive, so quotes, `*`,
 * `-`, `NEAR`, `AND`, `OR` and parentheses can never reach the FTS grammar as operators.
 * Returns null when nothing searchable is left.
 */
export function ftsQuery(input: string): string | null {
  const tokens = searchTokens(input);
  if (tokens.length === 0) return null;
  return tokens.map((t) => `"${t}"*`).join(' ');
}

/** The words of a search input, folded the way the FTS tokenizer folds indexed text. */
export function searchTokens(input: string): string[] {
  return (
    foldKey(input)
      .match(/[\p{L}\p{N}]+/gu)
      // Eight words is more than any title needs; it caps the work a pasted essay can cause.
      ?.slice(0, 8) ?? []
  );
}
