import { describe, expect, it } from 'vitest';
import { isAllowedOrigin, isLocalHost, isLoopbackAddress } from './local-only.js';

describe('isLocalHost', () => {
  it('accepts loopback names on our port', () => {
    expect(isLocalHost('127.0.0.1:8480', 8480)).toBe(true);
    expect(isLocalHost('localhost:8480', 8480)).toBe(true);
    expect(isLocalHost('[::1]:8480', 8480)).toBe(true);
    expect(isLocalHost('LOCALHOST:8480', 8480)).toBe(true);
  });

  it('refuses rebinding names, other ports and junk', () => {
    expect(isLocalHost('evil.example:8480', 8480)).toBe(false);
    expect(isLocalHost('127.0.0.1.evil.example:8480', 8480)).toBe(false);
    expect(isLocalHost('127.0.0.1:9999', 8480)).toBe(false);
    expect(isLocalHost('127.0.0.1', 8480)).toBe(false);
    expect(isLocalHost(undefined, 8480)).toBe(false);
    expect(isLocalHost('', 8480)).toBe(false);
    expect(isLocalHost('a:b:c', 8480)).toBe(false);
  });
});

describe('isAllowedOrigin', () => {
  it('accepts no Origin and our own', () => {
    expect(isAllowedOrigin(undefined, '127.0.0.1:8480')).toBe(true);
    expect(isAllowedOrigin('http://127.0.0.1:8480', '127.0.0.1:8480')).toBe(true);
  });

  it('refuses other origins, schemes and junk', () => {
    expect(isAllowedOrigin('http://evil.example', '127.0.0.1:8480')).toBe(false);
    expect(isAllowedOrigin('https://127.0.0.1:8480', '127.0.0.1:8480')).toBe(false);
    expect(isAllowedOrigin('null', '127.0.0.1:8480')).toBe(false);
    expect(isAllowedOrigin('not a url', '127.0.0.1:8480')).toBe(false);
  });
});

describe('isLoopbackAddress', () => {
  it('knows loopback listen addresses', () => {
    expect(isLoopbackAddress('127.0.0.1')).toBe(true);
    expect(isLoopbackAddress('::1')).toBe(true);
    expect(isLoopbackAddress('0.0.0.0')).toBe(false);
  });
});
