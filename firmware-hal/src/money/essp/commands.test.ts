import { describe, expect, it } from 'vitest';
import {
  EsspCommand,
  hostProtocolRequest,
  parseReply,
  parseSerialNumber,
  pollRequest,
  setInhibitsRequest,
  syncRequest,
} from './commands.js';
import { EsspFrameDecoder, encodeFrame } from './frame.js';

describe('requests', () => {
  it('builds single-byte commands and HOST PROTOCOL as published', () => {
    expect(syncRequest()).toEqual(Uint8Array.of(0x11));
    expect(pollRequest()).toEqual(Uint8Array.of(0x07));
    expect(EsspCommand.HOLD).toBe(0x18);
    expect(encodeFrame({ seqBit: 1, slaveId: 0, data: hostProtocolRequest(8) })).toEqual(
      Uint8Array.of(0x7f, 0x80, 0x02, 0x06, 0x08, 0x03, 0x94),
    );
    expect(() => hostProtocolRequest(0)).toThrow(RangeError);
  });

  it('sets the inhibit mask low byte first, bit n-1 for channel n', () => {
    expect(setInhibitsRequest([1, 2, 3])).toEqual(Uint8Array.of(0x02, 0x07, 0x00));
    expect(setInhibitsRequest([9, 16])).toEqual(Uint8Array.of(0x02, 0x00, 0x81));
    expect(setInhibitsRequest([])).toEqual(Uint8Array.of(0x02, 0x00, 0x00));
    expect(() => setInhibitsRequest([17])).toThrow(RangeError);
  });
});

describe('parseReply', () => {
  it('separates OK from the error statuses without throwing', () => {
    expect(parseReply(Uint8Array.of(0xf0, 1, 2))).toEqual({ ok: true, body: Uint8Array.of(1, 2) });
    expect(parseReply(Uint8Array.of(0xf8))).toMatchObject({
      ok: false,
      status: 'FAIL',
      code: 0xf8,
    });
    expect(parseReply(Uint8Array.of(0xf5, 3))).toMatchObject({
      ok: false,
      status: 'CANNOT_PROCESS',
      body: Uint8Array.of(3),
    });
    expect(parseReply(Uint8Array.of(0xfa))).toMatchObject({ ok: false, status: 'KEY_NOT_SET' });
    expect(parseReply(Uint8Array.of(0x42))).toMatchObject({
      ok: false,
      status: 'UNKNOWN',
      code: 0x42,
    });
    expect(parseReply(new Uint8Array(0))).toMatchObject({
      ok: false,
      status: 'UNKNOWN',
      code: undefined,
    });
  });

  it('reads a serial number most significant byte first', () => {
    // ITL's published SERIAL NUMBER reply, decoded from the wire.
    const [item] = new EsspFrameDecoder().push(
      Uint8Array.of(0x7f, 0x80, 0x05, 0xf0, 0x00, 0x1c, 0x96, 0x2c, 0xd4, 0x97),
    );
    const reply = item?.ok ? parseReply(item.packet.data) : undefined;
    expect(reply?.ok && parseSerialNumber(reply.body)).toBe(1_873_452);
    expect(parseSerialNumber(Uint8Array.of(0x00, 0x12, 0xd6, 0x87))).toBe(1_234_567);
    expect(parseSerialNumber(Uint8Array.of(1, 2))).toBeUndefined();
  });
});
