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

/**
 * Cover images (`jukebox-media://covers/<id>`) and retail browsing previews
 * (`jukebox-media://previews/<trackId>`), proxied by main to the core's HTTP port.
 */
export const MEDIA_SCHEME = 'jukebox-media';
export const MEDIA_COVERS_HOST = 'covers';
export const MEDIA_PREVIEWS_HOST = 'previews';

/** A cover id is the SHA-256 of the image, lowercase hex. */
export const COVER_ID_PATTERN = /^[0-9a-f]{64}$/;

/** A track id in a preview URL: a positive decimal integer, no sign, no leading zero. */
export const TRACK_ID_PATTERN = /^[1-9][0-9]{0,15}$/;

/** URL of a cover image under the media scheme. */
export function coverUrl(coverId: string): string {
  return `${MEDIA_SCHEME}://${MEDIA_COVERS_HOST}/${encodeURIComponent(coverId)}`;
}

/** URL of a track's browsing preview under the media scheme. */
export function previewUrl(trackId: number): string {
  // Main refuses anything but TRACK_ID_PATTERN, so a bad id simply gets no audio.
  return `${MEDIA_SCHEME}://${MEDIA_PREVIEWS_HOST}/${encodeURIComponent(String(trackId))}`;
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
