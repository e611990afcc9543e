/**
 * The custom URL schemes of the Electron shell. Shared by main (which serves them) and the
 * preload (which builds cover URLs), so both agree on one spelling.
 */

/** The renderer is served from `app://kiosk/`, never from file:// (which would grant the page
 * read access to the whole disk through relative URLs). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'kiosk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Cover images: `jukebox-media://covers/<id>`, proxied by main to the core's HTTP port. */
export const MEDIA_SCHEME = 'jukebox-media';
export const MEDIA_COVERS_HOST = 'covers';

/** A cover id is the SHA-256 of the image, lowercase hex. */
export const COVER_ID_PATTERN = /^[0-9a-f]{64}$/;

/** URL of a cover image under the media scheme. */
export function coverUrl(coverId: string): string {
  return `${MEDIA_SCHEME}://${MEDIA_COVERS_HOST}/${encodeURIComponent(coverId)}`;
}

/**
 * True when `url` belongs to the app's own origin. Compares scheme and host rather than
 * `URL.origin`, which is the string "null" for non-special schemes such as `app:`.
 */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.hostname === APP_HOST &&
    parsed.port === '' &&
    parsed.username === '' &&
    parsed.password === ''
  );
}
