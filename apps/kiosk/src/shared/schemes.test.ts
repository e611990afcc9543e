import { describe, expect, it } from 'vitest';
import { COVER_ID_PATTERN, coverUrl, isAppUrl, previewUrl, TRACK_ID_PATTERN } from './schemes.js';

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

  it('builds preview URLs by track id; the id pattern takes positive integers only', () => {
    expect(previewUrl(42)).toBe('jukebox-media://previews/42');
    for (const good of ['1', '42', '9007199254740991'])
      expect(TRACK_ID_PATTERN.test(good)).toBe(true);
    for (const bad of ['0', '-1', '01', '1.5', '1e3', ' 1', '', 'x', '12345678901234567']) {
      expect(TRACK_ID_PATTERN.test(bad), bad).toBe(false);
    }
  });
});
