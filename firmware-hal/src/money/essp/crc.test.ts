import { describe, expect, it } from 'vitest';
import { esspCrc16 } from './crc.js';

/** Bit-by-bit reference, written straight from the parameters, to check the table. */
function slowCrc(bytes: readonly number[]): number {
  let crc = 0xffff;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++)
      crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

describe('esspCrc16', () => {
  it('matches the SYNC frame 7F 80 01 11 65 82 (CRC low byte first)', () => {
    const crc = esspCrc16([0x80, 0x01, 0x11]);
    expect([crc & 0xff, crc >> 8]).toEqual([0x65, 0x82]);
  });

  it('matches the OK reply 7F 80 01 F0 23 80 and HOST PROTOCOL 8 7F 80 02 06 08 03 94', () => {
    const ok = esspCrc16([0x80, 0x01, 0xf0]);
    expect([ok & 0xff, ok >> 8]).toEqual([0x23, 0x80]);
    const hp = esspCrc16([0x80, 0x02, 0x06, 0x08]);
    expect([hp & 0xff, hp >> 8]).toEqual([0x03, 0x94]);
  });

  it('is the seed for no bytes and agrees with a bit-by-bit computation', () => {
    expect(esspCrc16([])).toBe(0xffff);
    const bytes = Array.from({ length: 300 }, (_, i) => (i * 37 + 11) & 0xff);
    expect(esspCrc16(Uint8Array.from(bytes))).toBe(slowCrc(bytes));
  });
});
