import { describe, expect, it } from 'vitest';
import { EsspCommand, EsspStatus } from './commands.js';
import { parsePollEvents } from './poll.js';
import { parseSetupReply } from './setup.js';
import { EsspDeviceModel } from './simulator-model.js';

/** Sends one command to the model with the given sequence bit. */
const send = (model: EsspDeviceModel, seqBit: 0 | 1, ...data: number[]) =>
  model.handle({ seqBit, slaveId: 0, data: Uint8Array.from(data) });

/** A model after SYNC, enabled with every channel open; returns the next bit to use. */
function ready(): { model: EsspDeviceModel; bit: () => 0 | 1 } {
  const model = new EsspDeviceModel();
  let last: 0 | 1 = 1;
  const bit = (): 0 | 1 => (last = last === 1 ? 0 : 1);
  send(model, 1, EsspCommand.SYNC);
  send(model, bit(), EsspCommand.SET_INHIBITS, 0xff, 0xff);
  send(model, bit(), EsspCommand.ENABLE);
  return { model, bit };
}

const events = (reply: Uint8Array | null) =>
  parsePollEvents((reply ?? Uint8Array.of()).subarray(1));

describe('EsspDeviceModel', () => {
  it('answers a repeated sequence bit with the last reply and does not act again', () => {
    const { model, bit } = ready();
    model.insertNote(2);
    send(model, bit(), EsspCommand.POLL); // slave reset, read note 0
    send(model, bit(), EsspCommand.POLL); // read note 2: in escrow
    const b = bit();
    const accept = send(model, b, EsspCommand.POLL);
    const credit = send(model, bit(), EsspCommand.POLL);
    expect(events(accept)).toEqual([{ type: 'stacking' }]);
    expect(events(credit)).toContainEqual({ type: 'credit-note', channel: 2 });
    const again = send(model, b === 0 ? 1 : 0, EsspCommand.POLL);
    expect(again).toEqual(credit);
    expect(model.credited).toEqual([{ channel: 2, value: 10, currency: 'EUR' }]);
    expect(model.stats.repeated).toBe(1);
  });

  it('returns a note on REJECT once, even when the REJECT is retried', () => {
    const { model, bit } = ready();
    model.insertNote(1);
    send(model, bit(), EsspCommand.POLL);
    send(model, bit(), EsspCommand.POLL);
    expect(send(model, bit(), EsspCommand.HOLD)?.[0]).toBe(EsspStatus.OK);
    const b = bit();
    expect(send(model, b, EsspCommand.REJECT)?.[0]).toBe(EsspStatus.OK);
    expect(send(model, b, EsspCommand.REJECT)?.[0]).toBe(EsspStatus.OK);
    expect(events(send(model, bit(), EsspCommand.POLL))).toEqual([{ type: 'rejecting' }]);
    expect(events(send(model, bit(), EsspCommand.POLL))).toEqual([{ type: 'rejected' }]);
    expect(send(model, bit(), EsspCommand.REJECT)?.[0]).toBe(EsspStatus.CANNOT_PROCESS);
    expect(model.credited).toEqual([]);
  });

  it('describes its channel table in the protocol the host selected', () => {
    const model = new EsspDeviceModel({
      channels: [{ value: 5 }, { value: 500, currency: 'USD' }],
    });
    send(model, 1, EsspCommand.SYNC);
    expect(send(model, 0, EsspCommand.HOST_PROTOCOL, 8)?.[0]).toBe(EsspStatus.FAIL);
    expect(send(model, 1, EsspCommand.HOST_PROTOCOL, 7)?.[0]).toBe(EsspStatus.OK);
    const reply = send(model, 0, EsspCommand.SETUP_REQUEST) ?? Uint8Array.of();
    const setup = parseSetupReply(reply.subarray(1));
    expect(setup.ok && setup.value.channels).toEqual([
      { channel: 1, value: 5, currency: 'EUR' },
      { channel: 2, value: 500, currency: 'USD' },
    ]);
    expect(send(model, 1, 0x99)?.[0]).toBe(EsspStatus.COMMAND_NOT_KNOWN);
    expect(send(model, 0, EsspCommand.ENABLE, 1)?.[0]).toBe(EsspStatus.OK);
  });

  it('refuses a note on an inhibited channel without asking the host', () => {
    const { model, bit } = ready();
    send(model, bit(), EsspCommand.SET_INHIBITS, 0b10, 0);
    model.insertNote(1);
    const seen = [1, 2, 3, 4].flatMap(() => events(send(model, bit(), EsspCommand.POLL)));
    expect(seen.map((e) => e.type)).toEqual(['slave-reset', 'read-note', 'rejecting', 'rejected']);
    expect(model.credited).toEqual([]);
  });
});
