import { EventEmitter } from 'node:events';
import type { App, Session, WebContents } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY, hardenWebContents, installSecurity } from './security.js';

/** An Electron-like event: the url rides on the event object, as in Electron >= 25. */
function navEvent(url: string) {
  return { url, preventDefault: vi.fn() };
}

function fakeContents() {
  const emitter = new EventEmitter();
  let openHandler: ((details: { url: string }) => { action: string }) | undefined;
  const contents = Object.assign(emitter, {
    setWindowOpenHandler: (h: typeof openHandler) => (openHandler = h),
  });
  return {
    contents: contents as unknown as WebContents,
    emit: (name: string, ...args: unknown[]) => emitter.emit(name, ...args),
    open: (url: string) => openHandler?.({ url }),
  };
}

function fakeSession() {
  const calls: Record<string, (...args: never[]) => unknown> = {};
  const session = {
    setPermissionRequestHandler: (h: never) => (calls.request = h),
    setPermissionCheckHandler: (h: never) => (calls.check = h),
    setDevicePermissionHandler: (h: never) => (calls.device = h),
    webRequest: { onHeadersReceived: (h: never) => (calls.headers = h) },
  };
  return { session: session as unknown as Session, calls };
}

describe('web contents hardening', () => {
  it('prevents navigation and redirects away from the app origin only', () => {
    const { contents, emit } = fakeContents();
    hardenWebContents(contents);
    for (const name of ['will-navigate', 'will-frame-navigate', 'will-redirect']) {
      const away = navEvent('https://evil.example/');
      emit(name, away);
      expect(away.preventDefault, name).toHaveBeenCalled();
      const sneaky = navEvent('app://kiosk.evil/');
      emit(name, sneaky);
      expect(sneaky.preventDefault, name).toHaveBeenCalled();
      const home = navEvent('app://kiosk/index.html#/queue');
      emit(name, home);
      expect(home.preventDefault, name).not.toHaveBeenCalled();
    }
  });

  it('denies window.open and webview attachment', () => {
    const { contents, emit, open } = fakeContents();
    hardenWebContents(contents);
    expect(open('https://evil.example/')).toEqual({ action: 'deny' });
    expect(open('app://kiosk/index.html')).toEqual({ action: 'deny' });
    const attach = { preventDefault: vi.fn() };
    emit('will-attach-webview', attach, {}, {});
    expect(attach.preventDefault).toHaveBeenCalled();
  });

  it('hardens every web contents the app creates', () => {
    const app = new EventEmitter();
    const { session } = fakeSession();
    installSecurity(app as unknown as App, session);
    const { contents, open } = fakeContents();
    app.emit('web-contents-created', {}, contents);
    expect(open('https://evil.example/')).toEqual({ action: 'deny' });
  });
});

describe('session hardening', () => {
  it('denies every permission request and check', () => {
    const { session, calls } = fakeSession();
    installSecurity(new EventEmitter() as unknown as App, session);
    for (const permission of ['media', 'geolocation', 'notifications', 'serial', 'openExternal']) {
      const callback = vi.fn();
      (calls.request as (...a: unknown[]) => void)({}, permission, callback, {});
      expect(callback).toHaveBeenCalledWith(false);
      expect(
        (calls.check as (...a: unknown[]) => boolean)(null, permission, 'app://kiosk', {}),
      ).toBe(false);
    }
    expect((calls.device as (...a: unknown[]) => boolean)({})).toBe(false);
  });

  it('puts our CSP on responses, replacing any the response brought', () => {
    const { session, calls } = fakeSession();
    installSecurity(new EventEmitter() as unknown as App, session);
    const callback = vi.fn();
    (calls.headers as (...a: unknown[]) => void)(
      {
        responseHeaders: {
          'content-security-policy': ["script-src 'unsafe-inline'"],
          'Content-Type': ['image/png'],
        },
      },
      callback,
    );
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: {
        'Content-Type': ['image/png'],
        'Content-Security-Policy': [CONTENT_SECURITY_POLICY],
      },
    });
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self'; img-src 'self' jukebox-media:; " +
        "media-src 'self' jukebox-media:; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; frame-ancestors 'none'",
    );
  });
});
