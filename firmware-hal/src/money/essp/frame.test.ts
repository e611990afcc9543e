import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  EsspFrameDecoder,
  encodeFrame,
  plainPayload,
  type DecodeItem,
  type EsspPacket,
} from './frame.js';

const hex = (s: string): Uint8Array => Uint8Array.from(s.split(' ').map((b) => parseInt(b, 16)));

/** Splits bytes at the given cut points (any order, duplicates allowed). */
function chunk(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const parts: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    parts.push(bytes.subarray(from, p));
    from = p;
  }
  return parts;
}

function feed(decoder: EsspFrameDecoder, parts: Uint8Array[]): DecodeItem[] {
  return parts.flatMap((p) => decoder.push(p));
}

const packetArb = fc.record({
  seqBit: fc.constantFrom<0 | 1>(0, 1),
  slaveId: fc.integer({ min: 0, max: 127 }),
  // Weighted towards 0x7F so stuffing is exercised hard.
  data: fc
    .array(fc.oneof(fc.constant(0x7f), fc.integer({ min: 0, max: 255 })), {
      minLength: 1,
      maxLength: 255,
    })
    .map((a) => Uint8Array.from(a)),
});

/**
 * A packet may only come from a well-formed frame on the line: since stuffing is canonical,
 * its encoding (CRC included) must appear verbatim in the input.
 */
function appearsIn(input: Uint8Array, p: EsspPacket): boolean {
  return Buffer.from(input).includes(Buffer.from(encodeFrame(p)));
}

describe('encodeFrame', () => {
  it('produces the published SYNC and HOST PROTOCOL frames', () => {
    expect(encodeFrame({ seqBit: 1, slaveId: 0, data: hex('11') })).toEqual(
      hex('7f 80 01 11 65 82'),
    );
    expect(encodeFrame({ seqBit: 1, slaveId: 0, data: hex('06 08') })).toEqual(
      hex('7f 80 02 06 08 03 94'),
    );
  });

  it('doubles every 0x7F after STX, in SEQ/ID, DATA and CRC alike', () => {
    const frame = encodeFrame({ seqBit: 0, slaveId: 0x7f, data: hex('7f 01 7f') });
    expect(Array.from(frame.subarray(0, 9))).toEqual([
      0x7f, 0x7f, 0x7f, 0x03, 0x7f, 0x7f, 0x01, 0x7f, 0x7f,
    ]);
  });

  it('refuses a bad slave id or data length', () => {
    expect(() => encodeFrame({ seqBit: 0, slaveId: 128, data: hex('07') })).toThrow(RangeError);
    expect(() => encodeFrame({ seqBit: 0, slaveId: 0, data: new Uint8Array(0) })).toThrow(
      RangeError,
    );
    expect(() => encodeFrame({ seqBit: 0, slaveId: 0, data: new Uint8Array(256) })).toThrow(
      RangeError,
    );
  });
});

describe('EsspFrameDecoder', () => {
  it('round-trips any packets split into any chunks', () => {
    fc.assert(
      fc.property(
        fc.array(packetArb, { minLength: 1, maxLength: 5 }),
        fc.array(fc.nat()),
        (packets, cuts) => {
          const wire = Uint8Array.from(packets.flatMap((p) => Array.from(encodeFrame(p))));
          const items = feed(new EsspFrameDecoder(), chunk(wire, cuts));
          expect(items).toEqual(packets.map((packet) => ({ ok: true, packet })));
        },
      ),
    );
  });

  it('never throws on noise, torn or corrupted frames, and yields only frames that were sent whole', () => {
    const byteArb = fc.oneof(fc.constant(0x7f), fc.integer({ min: 0, max: 255 }));
    const segmentArb = fc.oneof(
      fc.array(byteArb, { maxLength: 40 }),
      packetArb.map((p) => Array.from(encodeFrame(p))),
      fc
        .tuple(packetArb, fc.nat(), byteArb)
        .map(([p, at, b]) =>
          Array.from(encodeFrame(p)).map((x, i, a) => (i === at % a.length ? b : x)),
        ),
      fc.tuple(packetArb, fc.nat()).map(([p, n]) => Array.from(encodeFrame(p)).slice(0, n % 8)),
    );
    fc.assert(
      fc.property(fc.array(segmentArb, { maxLength: 12 }), fc.array(fc.nat()), (segments, cuts) => {
        const input = Uint8Array.from(segments.flat());
        const items = feed(new EsspFrameDecoder(), chunk(input, cuts));
        for (const item of items) if (item.ok) expect(appearsIn(input, item.packet)).toBe(true);
      }),
    );
  });

  it('finds a real frame behind noise that looked like a frame start', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant(0x7f), fc.integer({ min: 0, max: 255 })), { maxLength: 40 }),
        packetArb,
        (noise, packet) => {
          // A frame begins after an idle line or a timeout; the driver resets the decoder then.
          const decoder = new EsspFrameDecoder();
          decoder.push(Uint8Array.from(noise));
          decoder.reset();
          const items = decoder.push(encodeFrame(packet));
          expect(items.filter((i) => i.ok)).toEqual([{ ok: true, packet }]);
        },
      ),
    );
  });

  it('recovers a frame after a corrupted frame and stray bytes', () => {
    const good = encodeFrame({ seqBit: 1, slaveId: 0, data: hex('f0') });
    const bad = Uint8Array.from(good);
    bad[3] = 0xf1;
    const decoder = new EsspFrameDecoder();
    const items = decoder.push(Uint8Array.from([0x00, 0x55, ...bad, ...good]));
    expect(items[0]).toEqual({ ok: false, error: { kind: 'stray-bytes', count: 2 } });
    expect(items[1]).toMatchObject({ ok: false, error: { kind: 'bad-crc' } });
    expect(items.at(-1)).toEqual({ ok: true, packet: { seqBit: 1, slaveId: 0, data: hex('f0') } });
  });

  it('reports a zero or over-long LEN and a frame cut short by a new STX', () => {
    const decoder = new EsspFrameDecoder({ maxDataLength: 16 });
    // The bytes after a refused STX are rescanned, so they come back as stray bytes.
    expect(decoder.push(hex('7f 80 00'))).toEqual([
      { ok: false, error: { kind: 'bad-length', length: 0 } },
      { ok: false, error: { kind: 'stray-bytes', count: 2 } },
    ]);
    expect(decoder.push(hex('7f 80 40'))[0]).toEqual({
      ok: false,
      error: { kind: 'bad-length', length: 0x40 },
    });
    const items = decoder.push(
      Uint8Array.from([
        0x7f,
        0x80,
        0x05,
        0x01,
        ...encodeFrame({ seqBit: 0, slaveId: 0, data: hex('07') }),
      ]),
    );
    expect(items[0]).toEqual({ ok: false, error: { kind: 'truncated', received: 4 } });
    expect(items[1]).toEqual({ ok: true, packet: { seqBit: 0, slaveId: 0, data: hex('07') } });
  });

  it('reports a partial frame on reset (inter-byte timeout)', () => {
    const decoder = new EsspFrameDecoder();
    expect(decoder.push(hex('7f 80 03 f0'))).toEqual([]);
    expect(decoder.reset()).toEqual([{ ok: false, error: { kind: 'truncated', received: 4 } }]);
    expect(decoder.reset()).toEqual([]);
  });
});

describe('plainPayload', () => {
  it('passes plain data through and refuses an encrypted packet', () => {
    expect(plainPayload.unwrap(hex('f0'))).toEqual({ ok: true, value: hex('f0') });
    expect(plainPayload.unwrap(hex('7e 10 20')).ok).toBe(false);
    expect(plainPayload.wrap(hex('07'))).toEqual(hex('07'));
  });
});
