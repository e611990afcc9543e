import { describe, expect, it } from 'vitest';
import { boxControlMessage, serverControlMessage } from './control.js';
import { NONCE, records, SIGNATURE, T0 } from './test-support/examples.js';

function pathOf(result: { error?: { issues: { path: PropertyKey[] }[] } | undefined }) {
  return result.error?.issues[0]?.path.join('.');
}

const hello = {
  type: 'hello',
  boxId: 'box-17',
  timestamp: 1_714_557_600_000,
  nonce: NONCE,
  signature: SIGNATURE,
  softwareVersion: '1.4.0',
  ackedManifestVersion: 12,
  lastTelemetrySeq: 44,
};

const status = {
  software: '1.4.0',
  diskFreeBytes: 10,
  diskTotalBytes: 100,
  manifestVersion: 12,
  libraryTracks: 2,
};

describe('control channel, server to box', () => {
  it.each([
    { type: 'challenge', nonce: NONCE },
    { type: 'welcome', boxId: 'box-17', serverTime: T0 },
    { type: 'manifest-notice', version: 13 },
    { type: 'ack', seq: 0 },
    { type: 'ack', seq: 44 },
    { type: 'command', id: 'cmd-1', name: 'sync-now', args: {} },
    { type: 'command', id: 'cmd-2', name: 'set-volume', args: { level: 40, ramp: true, to: null } },
    { type: 'error', code: 'bad_signature', message: 'hello signature does not verify' },
    { type: 'ping' },
  ])('accepts $type', (message) => {
    expect(serverControlMessage.parse(message)).toStrictEqual(message);
  });

  it.each([
    ['an unknown type', { type: 'reboot' }, 'type'],
    ['no type', { nonce: NONCE }, 'type'],
    ['a short nonce', { type: 'challenge', nonce: 'abc' }, 'nonce'],
    ['a negative ack', { type: 'ack', seq: -1 }, 'seq'],
    ['a manifest version 0', { type: 'manifest-notice', version: 0 }, 'version'],
    ['an unknown key', { type: 'ping', payload: 'x' }, ''],
    ['a command with a bad name', { type: 'command', id: 'c', name: 'Sync Now', args: {} }, 'name'],
    [
      'a command with nested args',
      { type: 'command', id: 'c', name: 'x', args: { a: { b: 1 } } },
      'args.a',
    ],
    [
      'a command with too many args',
      {
        type: 'command',
        id: 'c',
        name: 'x',
        args: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`a${i}`, i])),
      },
      'args',
    ],
    [
      'a command with a huge arg',
      { type: 'command', id: 'c', name: 'x', args: { a: 'x'.repeat(1001) } },
      'args.a',
    ],
    ['an unknown error code', { type: 'error', code: 'oops', message: '' }, 'code'],
    [
      'a huge error message',
      { type: 'error', code: 'internal', message: 'x'.repeat(501) },
      'message',
    ],
  ])('refuses %s', (_name, message, path) => {
    const r = serverControlMessage.safeParse(message);
    expect(r.success).toBe(false);
    expect(pathOf(r)).toBe(path);
  });
});

describe('control channel, box to server', () => {
  it.each([
    hello,
    { type: 'telemetry', records: records() },
    { type: 'status', status },
    { type: 'status', status, commandId: 'cmd-1', commandResult: 'ok', detail: 'synced 3 tracks' },
    { type: 'pong' },
  ])('accepts $type', (message) => {
    expect(boxControlMessage.parse(message)).toStrictEqual(message);
  });

  it.each([
    ['a hello with an unknown key (it is signed)', { ...hello, debug: true }, ''],
    ['a hello with no signature', { ...hello, signature: undefined }, 'signature'],
    ['a hello with a bad signature', { ...hello, signature: 'x' }, 'signature'],
    ['a hello with a negative seq', { ...hello, lastTelemetrySeq: -1 }, 'lastTelemetrySeq'],
    ['a hello with a time as text', { ...hello, timestamp: T0 }, 'timestamp'],
    ['a hello with a bad box id', { ...hello, boxId: 'box 17' }, 'boxId'],
    ['telemetry with an unknown key', { type: 'telemetry', records: records(), x: 1 }, ''],
    [
      'telemetry with a bad record',
      { type: 'telemetry', records: [{ ...records()[0], seq: -4 }] },
      'records.0.seq',
    ],
    ['a status without a status', { type: 'status' }, 'status'],
    [
      'a status with an unknown result',
      { type: 'status', status, commandResult: 'maybe' },
      'commandResult',
    ],
    ['a string', 'hello', ''],
    ['null', null, ''],
  ])('refuses %s', (_name, message, path) => {
    const r = boxControlMessage.safeParse(message);
    expect(r.success).toBe(false);
    expect(pathOf(r)).toBe(path);
  });
});
