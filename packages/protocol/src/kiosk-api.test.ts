import { describe, expect, it } from 'vitest';
import { kioskConfig, kioskMethods, isKioskMethod, wsClientMessage } from './index.js';

describe('kiosk API schemas', () => {
  it('fills defaults for list params', () => {
    expect(kioskMethods.listTracks.params.parse({})).toEqual({
      sort: 'title',
      offset: 0,
      limit: 60,
    });
  });

  it('rejects malformed params with a clear message', () => {
    const r = kioskMethods.enqueue.params.safeParse({ trackId: 'seven' });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path).toEqual(['trackId']);
    expect(kioskMethods.listTracks.params.safeParse({ letter: 'aa' }).success).toBe(false);
    expect(kioskMethods.search.params.safeParse({ query: 'x'.repeat(201) }).success).toBe(false);
  });

  it('knows its method names and nothing else', () => {
    expect(isKioskMethod('search')).toBe(true);
    expect(isKioskMethod('toString')).toBe(false);
    expect(isKioskMethod('__proto__')).toBe(false);
  });

  it('parses ws requests and refuses junk', () => {
    expect(
      wsClientMessage.safeParse({ type: 'request', id: 1, method: 'getState', params: {} }).success,
    ).toBe(true);
    expect(wsClientMessage.safeParse({ type: 'request', id: -1, method: 'x' }).success).toBe(false);
    expect(wsClientMessage.safeParse('hello').success).toBe(false);
  });
});

describe('kiosk config', () => {
  it('an empty object is a working configuration', () => {
    const c = kioskConfig.parse({});
    expect(c.http).toEqual({ host: '127.0.0.1', port: 8480 });
    expect(c.audio.sink).toEqual({ kind: 'auto' });
    expect(c.audio.targetLufs).toBe(-18);
    expect(c.box.id).toBe('demo-box');
  });

  it('refuses a misspelt key instead of ignoring it', () => {
    const r = kioskConfig.safeParse({ audio: { volumme: 50 } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/volumme/);
  });

  it('carries the Electron shell section', () => {
    expect(kioskConfig.parse({}).shell).toEqual({ kiosk: true, hideCursor: true, devTools: false });
  });

  it('names the bad field', () => {
    const r = kioskConfig.safeParse({ audio: { sink: { kind: 'wav' } } });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.path.join('.')).toBe('audio.sink.path');
  });
});
