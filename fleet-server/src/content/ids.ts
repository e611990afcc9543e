import { randomBytes } from 'node:crypto';

/*
 * Ids of catalog objects: a prefix saying what it is and 20 hex digits (80 random bits).
 * Random rather than counted, so ids reveal nothing of the catalog's size and can be made on
 * any server process; they fit the protocol's id alphabet (a track id is also the AAD of its
 * wrapped keys).
 */

export function newTrackId(): string {
  return `trk-${randomBytes(10).toString('hex')}`;
}

export function newGraphicId(): string {
  return `gfx-${randomBytes(10).toString('hex')}`;
}
