import { describe, expect, it } from 'vitest';
import { esspCrc16 } from './crc.js';
import { parseSetupReply } from './setup.js';

const bytes = (hex: string): number[] => hex.split(' ').map((b) => parseInt(b, 16));

/**
 * A published protocol 7 reply of a 4-channel EUR validator (5, 10, 20, 50): unit type,
 * firmware, country, value multiplier, channel count, values, security levels, real value
 * multiplier, protocol version, then per-channel countries and 32-bit values.
 */
const V7 = [
  ...bytes('00 00 33 33 33 45 55 52 00 00 01 04'),
  ...bytes('05 0a 14 32 02 02 02 02 00 00 64 07'),
  ...bytes('45 55 52 45 55 52 45 55 52 45 55 52'),
  ...bytes('05 00 00 00 0a 00 00 00 14 00 00 00 32 00 00 00'),
];

describe('parseSetupReply', () => {
  it('reads a protocol 7 reply with the expanded channel data', () => {
    // The published frame for this reply ends in CRC 8B 9B: checks our layout byte for byte.
    const crc = esspCrc16([0x80, V7.length + 1, 0xf0, ...V7]);
    expect([crc & 0xff, crc >> 8]).toEqual([0x8b, 0x9b]);

    const body = Uint8Array.from(V7);
    body[1] = 0x30; // firmware "0333", as other units report it
    const parsed = parseSetupReply(body);
    expect(parsed).toEqual({
      ok: true,
      value: {
        unitType: 0,
        firmwareVersion: '0333',
        currency: 'EUR',
        valueMultiplier: 1,
        realValueMultiplier: 100,
        protocolVersion: 7,
        channels: [5, 10, 20, 50].map((value, i) => ({ channel: i + 1, value, currency: 'EUR' })),
      },
    });
  });

  it('uses the four-byte values above 255 and per-channel currencies', () => {
    const body = [...V7];
    body.splice(24 + 3, 3, 0x55, 0x53, 0x44); // channel 2 in USD
    body.splice(24 + 12 + 12, 4, 0xf4, 0x01, 0, 0); // channel 4 = 500
    const parsed = parseSetupReply(Uint8Array.from(body));
    expect(parsed.ok && parsed.value.channels[1]).toEqual({
      channel: 2,
      value: 10,
      currency: 'USD',
    });
    expect(parsed.ok && parsed.value.channels[3]).toEqual({
      channel: 4,
      value: 500,
      currency: 'EUR',
    });
  });

  it('reads a protocol 5 reply from the one-byte values times the multiplier', () => {
    const body = [...V7.slice(0, 23), 0x05];
    body[10] = 0x02;
    const parsed = parseSetupReply(Uint8Array.from(body));
    expect(parsed.ok && parsed.value.protocolVersion).toBe(5);
    expect(parsed.ok && parsed.value.channels.map((c) => c.value)).toEqual([10, 20, 40, 100]);
  });

  it('refuses every truncation of a reply instead of reading past its end', () => {
    for (let len = 0; len < V7.length; len++) {
      expect(parseSetupReply(Uint8Array.from(V7.slice(0, len))).ok).toBe(false);
    }
  });
});
