/**
 * The form song requests are counted by: lower case, accents removed, runs of white space as
 * one space, trimmed. "Café  del MAR" and "cafe del mar" are one request.
 */
export function normalizeRequestText(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/\s+/gu, ' ')
    .trim();
}

/**
 * What play counts group by: the catalog track when the box played fleet content, else the
 * box's own title and artist (normalised like requests, so spelling noise does not split a
 * song into two rows).
 */
export function playTrackKey(play: { catalogId?: string; title: string; artist: string }): string {
  return play.catalogId !== undefined
    ? `catalog:${play.catalogId}`
    : `local:${normalizeRequestText(play.artist)}|${normalizeRequestText(play.title)}`;
}
