import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodePollEvents, parsePollEvents, type EsspPollEvent } from './poll.js';

describe('parsePollEvents', () => {
  it('reads a note from escrow to credit', () => {
    const body = Uint8Array.of(0xef, 0x00, 0xef, 0x03, 0xcc, 0xee, 0x03, 0xeb);
    expect(parsePollEvents(body)).toEqual([
      { type: 'read-note', channel: 0 },
      { type: 'read-note', channel: 3 },
      { type: 'stacking' },
      { type: 'credit-note', channel: 3 },
      { type: 'stacked' },
    ]);
  });

  it('reads faults, resets and fraud with its channel', () => {
    expect(
      parsePollEvents(Uint8Array.of(0xf1, 0xea, 0xe9, 0xe8, 0xe7, 0xe6, 0x02, 0xed, 0xec)),
    ).toEqual([
      { type: 'slave-reset' },
      { type: 'safe-jam' },
      { type: 'unsafe-jam' },
      { type: 'disabled' },
      { type: 'stacker-full' },
      { type: 'fraud-attempt', channel: 2 },
      { type: 'rejecting' },
      { type: 'rejected' },
    ]);
  });

  it('reports an unknown code with the rest, and a channel event missing its byte', () => {
    expect(parsePollEvents(Uint8Array.of(0xe8, 0x99, 0xee, 0x01))).toEqual([
      { type: 'disabled' },
      { type: 'unknown', code: 0x99, rest: Uint8Array.of(0x99, 0xee, 0x01) },
    ]);
    expect(parsePollEvents(Uint8Array.of(0xcc, 0xee))).toEqual([
      { type: 'stacking' },
      { type: 'truncated', code: 0xee },
    ]);
    expect(parsePollEvents(new Uint8Array(0))).toEqual([]);
  });

  it('never throws, and credit events come only from EE bytes with a channel', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (body) => {
        const events = parsePollEvents(body);
        const credits = events.filter((e) => e.type === 'credit-note').length;
        expect(credits).toBeLessThanOrEqual(body.filter((b) => b === 0xee).length);
        expect(encodePollEvents(events)).toEqual(body);
      }),
    );
  });

  it('round-trips any known events', () => {
    const known: EsspPollEvent[] = [
      { type: 'stacked' },
      { type: 'credit-note', channel: 7 },
      { type: 'note-cleared-from-front', channel: 0 },
      { type: 'cashbox-removed' },
    ];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...known)), (events) => {
        expect(parsePollEvents(encodePollEvents(events))).toEqual(events);
      }),
    );
  });
});
