import { describe, expect, it } from 'vitest';
import { COVER_ID_PATTERN, coverUrl, isAppUrl } from './schemes.js';

describe('schemes', () => {
  it('recognises only the app origin', () => {
    expect(isAppUrl('app://kiosk/index.html')).toBe(true);
    expect(isAppUrl('app://kiosk/assets/x.js?v=1#h')).toBe(true);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl('app://kiosk.evil.com/')).toBe(false);
    expect(isAppUrl('app://user@kiosk/')).toBe(false);
    expect(isAppUrl('https://kiosk/')).toBe(false);
    expect(isAppUrl('file:///etc/passwd')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });

  it('builds cover URLs that cannot escape the covers path', () => {
    const id = 'a'.repeat(64);
    expect(coverUrl(id)).toBe(`jukebox-media://covers/${id}`);
    expect(coverUrl('../x')).toBe('jukebox-media://covers/..%2Fx');
    expect(COVER_ID_PATTERN.test(id)).toBe(true);
    expect(COVER_ID_PATTERN.test('A'.repeat(64))).toBe(false);
  });
});
