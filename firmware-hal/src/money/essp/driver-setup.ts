/**
 * Start-up sequence of the eSSP driver and its checkpoint format. Run at `open()` and again
 * after a reconnect, a lost line or a SLAVE RESET, since the unit then forgets the protocol
 * version, its inhibits and whether it was enabled.
 */
import type { Denomination, MoneyDeviceInfo } from '../types.js';
import {
  disableRequest,
  enableRequest,
  hostProtocolRequest,
  parseSerialNumber,
  serialNumberRequest,
  setInhibitsRequest,
  setupRequest,
  syncRequest,
} from './commands.js';
import type { EsspExchange, EsspLink } from './driver-link.js';
import { parseSetupReply } from './setup.js';

/** What the host wants the unit to be set to. */
export interface UnitSettings {
  readonly protocolVersion: number;
  /** Channels to enable; null = every channel the unit reports. */
  readonly enabledPositions: readonly number[] | null;
  /** Master inhibit: DISABLE when true, ENABLE when false. */
  readonly inhibited: boolean;
  /** Id of the unit seen before; another serial number at the port is refused. */
  readonly expectedId: string | null;
}

export type UnitSetup =
  | { readonly ok: true; readonly value: MoneyDeviceInfo }
  | { readonly ok: false; readonly error: string; readonly replaced?: true };

/**
 * SYNC, HOST PROTOCOL, SETUP REQUEST, SERIAL NUMBER, SET INHIBITS, then ENABLE or DISABLE.
 * Values: a channel value times the real value multiplier gives minor units (EUR 5 x 100).
 */
export async function initialiseUnit(link: EsspLink, settings: UnitSettings): Promise<UnitSetup> {
  const step = async (what: string, ex: Promise<EsspExchange>) => {
    const r = await ex;
    if (!r.ok) return { ok: false as const, error: `${what}: ${r.error}` };
    if (!r.reply.ok) return { ok: false as const, error: `${what}: ${r.reply.status}` };
    return { ok: true as const, body: r.reply.body };
  };
  // SYNC first: it restarts the sequence bit, whatever the unit last saw.
  const sync = await step('SYNC', link.send(syncRequest(), 'sync'));
  if (!sync.ok) return sync;
  const proto = await step(
    'HOST PROTOCOL',
    link.send(hostProtocolRequest(settings.protocolVersion)),
  );
  if (!proto.ok) return proto;
  const setupReply = await step('SETUP REQUEST', link.send(setupRequest()));
  if (!setupReply.ok) return setupReply;
  const setup = parseSetupReply(setupReply.body);
  if (!setup.ok) return { ok: false, error: `SETUP REQUEST: ${setup.error}` };
  const serialReply = await step('SERIAL NUMBER', link.send(serialNumberRequest()));
  if (!serialReply.ok) return serialReply;
  const serial = parseSerialNumber(serialReply.body);
  if (serial === undefined) return { ok: false, error: 'SERIAL NUMBER: short reply' };
  const id = `essp:ITL:${serial}`;
  if (settings.expectedId !== null && settings.expectedId !== id) {
    // Never enable a unit we did not identify at open(): its notes would be credited under
    // another unit's note count.
    return {
      ok: false,
      error: `unit replaced: ${id} answers in place of ${settings.expectedId}`,
      replaced: true,
    };
  }
  const channels = settings.enabledPositions ?? setup.value.channels.map((c) => c.channel);
  const inhibits = await step('SET INHIBITS', link.send(setInhibitsRequest(channels)));
  if (!inhibits.ok) return inhibits;
  const mode = await step(
    settings.inhibited ? 'DISABLE' : 'ENABLE',
    link.send(settings.inhibited ? disableRequest() : enableRequest()),
  );
  if (!mode.ok) return mode;
  const s = setup.value;
  const denominations: Denomination[] = s.channels.map((c) => ({
    position: c.channel,
    valueCents: c.value * s.realValueMultiplier,
    currency: c.currency,
    label: `${c.currency} ${c.value}`,
  }));
  return {
    ok: true,
    value: { kind: 'essp', id, manufacturer: 'ITL', serial: String(serial), denominations },
  };
}

/** The checkpoint: how many CREDIT NOTE events were applied for the unit. */
interface NoteCheckpoint {
  readonly v: 1;
  readonly notes: number;
  /** Present while the validator may still be repeating CREDIT NOTE number `notes`. */
  readonly ack?: 'pending';
}

/** What a stored checkpoint says: notes credited, and whether the last one awaits EVENT ACK. */
export interface NoteState {
  readonly notes: number;
  readonly ackPending: boolean;
}

/**
 * Checkpoint text for note number `notes`. Stored with the credit (ack pending) and again once
 * the validator confirmed EVENT ACK (not pending).
 */
export function formatNoteCheckpoint(notes: number, ackPending = false): string {
  const value: NoteCheckpoint = ackPending ? { v: 1, notes, ack: 'pending' } : { v: 1, notes };
  return JSON.stringify(value);
}

/** Note state from a stored checkpoint; null when absent or not ours. */
export function parseNoteCheckpoint(text: string | null): NoteState | null {
  if (text === null) return null;
  try {
    const value = JSON.parse(text) as Partial<NoteCheckpoint>;
    const notes = value.notes;
    if (value.v !== 1 || typeof notes !== 'number' || !Number.isSafeInteger(notes) || notes < 0) {
      return null;
    }
    return { notes, ackPending: value.ack === 'pending' };
  } catch {
    return null;
  }
}
