import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checksumValid,
  crc16Ccitt,
  decodeFrame,
  encodeFrame,
  type CcTalkChecksum,
  type CcTalkFrame,
} from './frame.js';
import { CcTalkFramer, type FramerOutput } from './framer.js';

const hex = (s: string): Uint8Array => Uint8Array.from(s.split(' ').map((b) => parseInt(b, 16)));

describe('crc16Ccitt', () => {
  it('gives the CRC-16/XMODEM check value for "123456789"', () => {
    expect(crc16Ccitt(Buffer.from('123456789', 'ascii'))).toBe(0x31c3);
  });
});

describe('encodeFrame / decodeFrame', () => {
  it('encodes the simple poll and ACK of REFERENCE.md byte for byte', () => {
    expect(encodeFrame({ dest: 2, src: 1, header: 254, data: new Uint8Array() }, 'simple')).toEqual(
      hex('02 00 01 fe ff'),
    );
    expect(encodeFrame({ dest: 1, src: 2, header: 0, data: new Uint8Array() }, 'simple')).toEqual(
      hex('01 00 02 00 fd'),
    );
  });

  it('puts the CRC low byte in the src slot and the high byte last', () => {
    // Expected bytes computed independently with Python's binascii.crc_hqx(bytes, 0), which
    // is CRC-CCITT poly 0x1021 with the given initial value, over dest, len, header, data.
    expect(encodeFrame({ dest: 40, header: 254, data: new Uint8Array() }, 'crc16')).toEqual(
      hex('28 00 b6 fe 21'),
    );
    expect(encodeFrame({ dest: 2, header: 229, data: new Uint8Array() }, 'crc16')).toEqual(
      hex('02 00 eb e5 c3'),
    );
    expect(encodeFrame({ dest: 1, header: 0, data: hex('03 01 00 02 01') }, 'crc16')).toEqual(
      hex('01 05 51 00 03 01 00 02 01 d0'),
    );
  });

  it('decodes what it encodes, and refuses a flipped bit', () => {
    const frame = { dest: 1, src: 2, header: 0, data: hex('05 01 00 02 00') };
    const bytes = encodeFrame(frame, 'simple');
    expect(decodeFrame(bytes, 'simple')).toEqual({ ok: true, frame });
    const bad = Uint8Array.from(bytes);
    bad[4] = (bad[4] ?? 0) ^ 0x10;
    expect(decodeFrame(bad, 'simple')).toEqual({ ok: false, error: 'bad-checksum' });
    expect(decodeFrame(bytes.subarray(0, 4), 'simple')).toEqual({ ok: false, error: 'too-short' });
    expect(decodeFrame(bytes.subarray(0, 7), 'simple')).toEqual({
      ok: false,
      error: 'length-mismatch',
    });
  });

  it('throws only on programming errors', () => {
    expect(() =>
      encodeFrame({ dest: 256, src: 1, header: 0, data: new Uint8Array() }, 'simple'),
    ).toThrow(RangeError);
    expect(() => encodeFrame({ dest: 2, header: 0, data: new Uint8Array() }, 'simple')).toThrow(
      /src/,
    );
  });
});

const checksumArb = fc.constantFrom<CcTalkChecksum>('simple', 'crc16');
const frameArb = (checksum: CcTalkChecksum): fc.Arbitrary<CcTalkFrame> =>
  fc
    .record({
      dest: fc.integer({ min: 0, max: 255 }),
      header: fc.integer({ min: 0, max: 255 }),
      data: fc.uint8Array({ maxLength: 40 }),
      src: fc.integer({ min: 0, max: 255 }),
    })
    .map((f) => (checksum === 'simple' ? f : { dest: f.dest, header: f.header, data: f.data }));

/** Splits `bytes` at the given cut points (taken modulo the length). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let from = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.subarray(from, p));
    from = p;
  }
  return chunks;
}

function frames(outputs: FramerOutput[]): CcTalkFrame[] {
  return outputs.flatMap((o) => (o.kind === 'frame' ? [o.frame] : []));
}

describe('CcTalkFramer', () => {
  it('yields frames split into any chunks, in order', () => {
    fc.assert(
      fc.property(
        checksumArb.chain((c) =>
          fc.tuple(fc.constant(c), fc.array(frameArb(c), { minLength: 1, maxLength: 4 })),
        ),
        fc.array(fc.nat(400), { maxLength: 12 }),
        ([checksum, sent], cuts) => {
          const framer = new CcTalkFramer({ checksum });
          const wire = Buffer.concat(sent.map((f) => encodeFrame(f, checksum)));
          const out = split(wire, cuts).flatMap((chunk, i) => framer.push(chunk, i * 10));
          expect(out.filter((o) => o.kind === 'error')).toEqual([]);
          expect(frames(out)).toEqual(sent);
        },
      ),
    );
  });

  it('never throws on random bytes and never yields a frame with a wrong checksum', () => {
    fc.assert(
      fc.property(
        checksumArb,
        fc.array(fc.tuple(fc.uint8Array({ maxLength: 64 }), fc.nat(80)), { maxLength: 20 }),
        (checksum, chunks) => {
          const framer = new CcTalkFramer({ checksum });
          let now = 0;
          for (const [chunk, gap] of chunks) {
            now += gap;
            for (const o of framer.push(chunk, now)) {
              if (o.kind === 'frame') {
                expect(checksumValid(o.raw, checksum)).toBe(true);
                expect(decodeFrame(o.raw, checksum)).toEqual({ ok: true, frame: o.frame });
              }
            }
          }
        },
      ),
    );
  });

  it('drops a partial frame after a gap over 50 ms, and keeps one at exactly 50 ms', () => {
    const poll = hex('02 00 01 fe ff');
    const framer = new CcTalkFramer({ checksum: 'simple' });
    expect(framer.push(poll.subarray(0, 3), 0)).toEqual([]);
    expect(framer.push(poll.subarray(3), 50)).toHaveLength(1);

    expect(framer.push(poll.subarray(0, 3), 100)).toEqual([]);
    expect(framer.tick(151)).toEqual([
      { kind: 'error', error: 'timeout', bytes: poll.subarray(0, 3) },
    ]);
    const next = framer.push(poll, 152);
    expect(frames(next)).toEqual([{ dest: 2, src: 1, header: 254, data: new Uint8Array() }]);
  });

  it('reports a bad checksum, discards until the line is quiet, then frames again', () => {
    const framer = new CcTalkFramer({ checksum: 'simple' });
    const out1 = framer.push(hex('01 00 02 00 fe 01 00 02 00 fd'), 0);
    expect(out1).toEqual([{ kind: 'error', error: 'bad-checksum', bytes: hex('01 00 02 00 fe') }]);
    const out2 = framer.push(hex('01 00 02 00 fd'), 60);
    expect(frames(out2)).toEqual([{ dest: 1, src: 2, header: 0, data: new Uint8Array() }]);
  });

  it('discards the echo of what the host sent, even split across reads', () => {
    const framer = new CcTalkFramer({ checksum: 'simple' });
    const poll = hex('02 00 01 fe ff');
    const ack = hex('01 00 02 00 fd');
    framer.expectEcho(poll);
    expect(framer.push(poll.subarray(0, 2), 0)).toEqual([]);
    const out = framer.push(Buffer.concat([poll.subarray(2), ack]), 1);
    expect(out).toEqual([
      { kind: 'frame', frame: { dest: 1, src: 2, header: 0, data: new Uint8Array() }, raw: ack },
    ]);
  });

  it('reports an echo that did not come and frames the reply anyway', () => {
    const framer = new CcTalkFramer({ checksum: 'simple' });
    framer.expectEcho(hex('02 00 01 fe ff'));
    const out = framer.push(hex('01 00 02 00 fd'), 0);
    expect(out.map((o) => o.kind)).toEqual(['error', 'frame']);
  });
});
