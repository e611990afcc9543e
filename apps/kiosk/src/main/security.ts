import type { App, Session, WebContents } from 'electron';
import { isAppUrl } from '../shared/schemes.js';

/**
 * The page may load code and data only from the app itself, and images (covers) and audio
 * (retail previews) from the media scheme. No inline script, no eval, no plugins, no framing,
 * no `<base>` rewrites.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "img-src 'self' jukebox-media:",
  "media-src 'self' jukebox-media:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Locks one WebContents to the app: no navigation or redirect away from `app://kiosk`, no new
 * windows, no <webview>. A kiosk has no address bar, so any navigation elsewhere is either a
 * bug or an attack through content (a crafted track title, a cover, a link in a notice).
 * Nothing here ever calls shell.openExternal: a patron must not reach a browser.
 */
export function hardenWebContents(contents: WebContents): void {
  const blockForeign = (event: { preventDefault(): void }, url: string): void => {
    if (!isAppUrl(url)) event.preventDefault();
  };
  contents.on('will-navigate', (event) => blockForeign(event, event.url));
  contents.on('will-frame-navigate', (event) => blockForeign(event, event.url));
  contents.on('will-redirect', (event) => blockForeign(event, event.url));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}

/**
 * Denies every permission (camera, microphone, geolocation, notifications, HID, serial, USB...)
 * and sets the CSP on every HTTP response the session sees. The app scheme sets the same header
 * itself, because webRequest does not see responses from `protocol.handle` handlers.
 */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    // Drop any policy the response brought (in any letter case): ours is the only one.
    const headers = Object.fromEntries(
      Object.entries(details.responseHeaders ?? {}).filter(
        ([name]) => name.toLowerCase() !== 'content-security-policy',
      ),
    );
    callback({
      responseHeaders: { ...headers, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] },
    });
  });
}

/** Hardens every WebContents the app ever creates, including ones made by a compromised page. */
export function installSecurity(app: App, session: Session): void {
  hardenSession(session);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents));
}
