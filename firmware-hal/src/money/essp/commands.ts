/**
 * SSP command codes, request builders and the generic reply status. A request builder gives
 * the DATA of a frame (command byte, then parameters); frame.ts adds SEQ/ID, LEN and CRC.
 */
export const EsspCommand = {
  RESET: 0x01,
  SET_INHIBITS: 0x02,
  SETUP_REQUEST: 0x05,
  HOST_PROTOCOL: 0x06,
  POLL: 0x07,
  REJECT: 0x08,
  DISABLE: 0x09,
  ENABLE: 0x0a,
  SERIAL_NUMBER: 0x0c,
  SYNC: 0x11,
  LAST_REJECT_CODE: 0x17,
  HOLD: 0x18,
  POLL_WITH_ACK: 0x56,
  EVENT_ACK: 0x57,
} as const;
export type EsspCommandCode = (typeof EsspCommand)[keyof typeof EsspCommand];

/** First byte of every reply. Only OK means the command was taken. */
export const EsspStatus = {
  OK: 0xf0,
  COMMAND_NOT_KNOWN: 0xf2,
  WRONG_PARAMETER_COUNT: 0xf3,
  PARAMETER_OUT_OF_RANGE: 0xf4,
  /** May carry one more byte with the device's reason. */
  CANNOT_PROCESS: 0xf5,
  SOFTWARE_ERROR: 0xf6,
  FAIL: 0xf8,
  /** The device is in encrypted mode and no key has been negotiated. */
  KEY_NOT_SET: 0xfa,
} as const;
export type EsspStatusName = keyof typeof EsspStatus;

const STATUS_NAMES = new Map<number, EsspStatusName>(
  Object.entries(EsspStatus).map(([name, code]) => [code, name as EsspStatusName]),
);

/** A reply split into its status and the bytes after it. */
export type EsspReply =
  | { readonly ok: true; readonly body: Uint8Array }
  | {
      readonly ok: false;
      /** Known status name, or 'UNKNOWN' for a code outside the table (or an empty reply). */
      readonly status: Exclude<EsspStatusName, 'OK'> | 'UNKNOWN';
      readonly code: number | undefined;
      readonly body: Uint8Array;
    };

/** Splits a reply's DATA into status and body. Never throws. */
export function parseReply(data: Uint8Array): EsspReply {
  const code = data[0];
  const body = data.subarray(1);
  if (code === EsspStatus.OK) return { ok: true, body };
  const name = code === undefined ? undefined : STATUS_NAMES.get(code);
  return { ok: false, status: name === undefined || name === 'OK' ? 'UNKNOWN' : name, code, body };
}

const bare = (code: EsspCommandCode) => (): Uint8Array => Uint8Array.of(code);

/**
 * SYNC: always the first command. The device answers OK and expects the next command with
 * sequence bit 0 (see sequence.ts). It also resets the device's encryption state.
 */
export const syncRequest = bare(EsspCommand.SYNC);
export const resetRequest = bare(EsspCommand.RESET);
export const setupRequest = bare(EsspCommand.SETUP_REQUEST);
/** POLL; it also accepts a note held in escrow, so send HOLD instead while deciding. */
export const pollRequest = bare(EsspCommand.POLL);
/**
 * POLL WITH ACK: a POLL whose credit events the validator repeats in every reply until the
 * host sends EVENT ACK, and meanwhile it takes no further note. A host that dies between
 * reading a CREDIT NOTE and storing it therefore sees the same event again after a restart.
 * Units without it answer COMMAND NOT KNOWN.
 */
export const pollWithAckRequest = bare(EsspCommand.POLL_WITH_ACK);
/** EVENT ACK: clears the events POLL WITH ACK is repeating. */
export const eventAckRequest = bare(EsspCommand.EVENT_ACK);
/** REJECT: returns the note in escrow to the patron. */
export const rejectRequest = bare(EsspCommand.REJECT);
export const disableRequest = bare(EsspCommand.DISABLE);
export const enableRequest = bare(EsspCommand.ENABLE);
export const serialNumberRequest = bare(EsspCommand.SERIAL_NUMBER);
export const lastRejectCodeRequest = bare(EsspCommand.LAST_REJECT_CODE);
/**
 * HOLD: keeps the note in escrow one more poll period. The validator accepts a held note on
 * the next POLL and gives up holding after its own timeout, so a host that cannot decide
 * must keep sending HOLD in place of POLL, then REJECT or POLL.
 */
export const holdRequest = bare(EsspCommand.HOLD);

/** HOST PROTOCOL: selects the protocol version (event formats follow it); FAIL if unsupported. */
export function hostProtocolRequest(version: number): Uint8Array {
  if (!Number.isInteger(version) || version < 1 || version > 255) {
    throw new RangeError(`SSP protocol version must be 1-255, got ${version}`);
  }
  return Uint8Array.of(EsspCommand.HOST_PROTOCOL, version);
}

/**
 * SET INHIBITS with the channels to enable (1-based, 1-16). Bit n-1 of the two-byte mask
 * (low byte first) set means channel n may take notes; channels not listed are inhibited.
 */
export function setInhibitsRequest(enabledChannels: Iterable<number>): Uint8Array {
  let mask = 0;
  for (const channel of enabledChannels) {
    if (!Number.isInteger(channel) || channel < 1 || channel > 16) {
      throw new RangeError(`SSP channel must be 1-16, got ${channel}`);
    }
    mask |= 1 << (channel - 1);
  }
  return Uint8Array.of(EsspCommand.SET_INHIBITS, mask & 0xff, mask >> 8);
}

/** Serial number from a SERIAL NUMBER reply body: 4 bytes, most significant first. */
export function parseSerialNumber(body: Uint8Array): number | undefined {
  if (body.length < 4) return undefined;
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).readUInt32BE(0);
}
