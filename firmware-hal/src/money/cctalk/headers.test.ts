import { describe, expect, it } from 'vitest';
import { coinError } from './errors.js';
import { decodeFrame, encodeFrame, type CcTalkFrame } from './frame.js';
import {
  encodeBufferedCredit,
  HEADER,
  parseAck,
  parseAscii,
  parseBufferedCredit,
  parseCoinId,
  parseSerialNumber,
  replyStatus,
  requestFrame,
  requests,
} from './headers.js';

const reply = (data: number[] | string, header = 0): CcTalkFrame => ({
  dest: 1,
  src: 2,
  header,
  data: typeof data === 'string' ? Buffer.from(data, 'ascii') : Uint8Array.from(data),
});

describe('ccTalk requests', () => {
  it('builds the simple poll of REFERENCE.md byte for byte', () => {
    expect(encodeFrame(requestFrame(requests.simplePoll()), 'simple')).toEqual(
      Uint8Array.of(0x02, 0x00, 0x01, 0xfe, 0xff),
    );
  });

  it('uses the header numbers of the ccTalk tables', () => {
    expect(requests.manufacturerId().header).toBe(246);
    expect(requests.equipmentCategory().header).toBe(245);
    expect(requests.productCode().header).toBe(244);
    expect(requests.serialNumber().header).toBe(242);
    expect(requests.readBufferedCredit().header).toBe(229);
    expect(requests.resetDevice().header).toBe(1);
    expect(requests.coinId(7)).toEqual({ header: 184, data: Uint8Array.of(7) });
  });

  it('puts positions 1-8 in the first inhibit byte and 9-16 in the second', () => {
    expect(requests.modifyInhibitStatus([1, 2, 9, 16])).toEqual({
      header: 231,
      data: Uint8Array.of(0x03, 0x81),
    });
    expect(requests.modifyInhibitStatus([]).data).toEqual(Uint8Array.of(0, 0));
    expect(() => requests.modifyInhibitStatus([17])).toThrow(RangeError);
    expect(() => requests.coinId(0)).toThrow(RangeError);
  });

  it('master inhibit: 0 stops all coins, 1 is normal operation', () => {
    expect(requests.modifyMasterInhibit(true).data).toEqual(Uint8Array.of(0));
    expect(requests.modifyMasterInhibit(false).data).toEqual(Uint8Array.of(1));
  });
});

describe('ccTalk replies', () => {
  it('tells ACK, NAK and BUSY apart', () => {
    expect(replyStatus(reply([]))).toBe('ack');
    expect(replyStatus(reply([], HEADER.nak))).toBe('nak');
    expect(replyStatus(reply([], HEADER.busy))).toBe('busy');
    expect(parseAck(reply([]))).toEqual({ ok: true, value: undefined });
    expect(parseAck(reply([], 5)).ok).toBe(false);
    expect(parseAck(reply([1])).ok).toBe(false);
  });

  it('parses ASCII identification and refuses binary', () => {
    expect(parseAscii(reply('Coin Acceptor'))).toEqual({ ok: true, value: 'Coin Acceptor' });
    expect(parseAscii(reply([0x41, 0x00])).ok).toBe(false);
  });

  it('reads the serial number least significant byte first', () => {
    expect(parseSerialNumber(reply([0x56, 0x34, 0x12]))).toEqual({ ok: true, value: 0x123456 });
    expect(parseSerialNumber(reply([1, 2])).ok).toBe(false);
  });

  it('parses coin ids and reports unprogrammed positions as null', () => {
    expect(parseCoinId(reply('EU200A'))).toEqual({
      ok: true,
      value: { code: 'EU200A', country: 'EU', valueCode: '200', issue: 'A' },
    });
    expect(parseCoinId(reply('......'))).toEqual({ ok: true, value: null });
    expect(parseCoinId(reply([0, 0, 0, 0, 0, 0]))).toEqual({ ok: true, value: null });
    expect(parseCoinId(reply('EU2')).ok).toBe(false);
  });

  it('parses a 229 reply newest first, and round-trips it through a frame', () => {
    const data = [7, 3, 1, 0, 2, 5, 1, 0, 0, 0, 0];
    const parsed = parseBufferedCredit(reply(data));
    expect(parsed).toEqual({
      ok: true,
      value: {
        counter: 7,
        events: [
          { a: 3, b: 1 },
          { a: 0, b: 2 },
          { a: 5, b: 1 },
          { a: 0, b: 0 },
          { a: 0, b: 0 },
        ],
      },
    });
    if (!parsed.ok) return;
    expect(encodeBufferedCredit(parsed.value)).toEqual(Uint8Array.from(data));
    const wire = encodeFrame(reply(data), 'crc16');
    const back = decodeFrame(wire, 'crc16');
    expect(back.ok && parseBufferedCredit(back.frame)).toEqual(parsed);
    expect(parseBufferedCredit(reply(data.slice(0, 10))).ok).toBe(false);
  });
});

describe('coin error codes', () => {
  it('maps codes to stable reasons and events', () => {
    expect(coinError(0)).toEqual({ event: 'none', code: 0, reason: 'null-event' });
    expect(coinError(1)).toMatchObject({
      event: 'reject',
      reason: 'reject-coin',
      rejectReason: 'rejected',
    });
    expect(coinError(2)).toMatchObject({ event: 'reject', rejectReason: 'inhibited' });
    expect(coinError(25)).toMatchObject({ event: 'reject', rejectReason: 'slug' });
    expect(coinError(17)).toMatchObject({ event: 'reject', rejectReason: 'fraud' });
    expect(coinError(14)).toMatchObject({ event: 'fault', faultReason: 'jam', fatal: true });
    expect(coinError(254)).toMatchObject({
      event: 'fault',
      reason: 'flight-deck-open',
      fatal: true,
    });
    expect(coinError(36)).toMatchObject({ event: 'fault', reason: 'swallowed-coin', fatal: false });
    expect(coinError(200)).toMatchObject({ event: 'fault', reason: 'unknown-error-200' });
  });

  it('has a distinct reason for every code 0-255', () => {
    const reasons = new Set(Array.from({ length: 256 }, (_, code) => coinError(code).reason));
    expect(reasons.size).toBe(256);
  });
});
