import { ADDRESS, type CcTalkFrame } from './frame.js';

/** ccTalk header numbers this host uses. Replies carry header 0 (ACK) with their data. */
export const HEADER = {
  ack: 0,
  reset: 1,
  nak: 5,
  busy: 6,
  coinId: 184,
  modifyMasterInhibit: 228,
  readBufferedCredit: 229,
  modifyInhibitStatus: 231,
  serialNumber: 242,
  productCode: 244,
  equipmentCategory: 245,
  manufacturerId: 246,
  simplePoll: 254,
} as const;

/** A request: header and data; the driver adds the addresses and the checksum. */
export interface CcTalkRequest {
  readonly header: number;
  readonly data: Uint8Array;
}

/** Reply parsing result: never a throw, the reply came from the wire. */
export type ReplyResult<T> =
  { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

const none = new Uint8Array();
const request = (header: number, data: Uint8Array = none): CcTalkRequest => ({ header, data });

/** Highest coin position a ccTalk acceptor has (the inhibit mask is 16 bits). */
export const MAX_COIN_POSITION = 16;

function assertPosition(position: number): void {
  if (!Number.isInteger(position) || position < 1 || position > MAX_COIN_POSITION) {
    throw new RangeError(`ccTalk coin position must be 1-${MAX_COIN_POSITION}, got ${position}`);
  }
}

/** Request builders. They throw RangeError only on arguments our own code got wrong. */
export const requests = {
  simplePoll: () => request(HEADER.simplePoll),
  resetDevice: () => request(HEADER.reset),
  manufacturerId: () => request(HEADER.manufacturerId),
  equipmentCategory: () => request(HEADER.equipmentCategory),
  productCode: () => request(HEADER.productCode),
  serialNumber: () => request(HEADER.serialNumber),
  readBufferedCredit: () => request(HEADER.readBufferedCredit),
  /** Coin id of one position (1-16). */
  coinId: (position: number): CcTalkRequest => {
    assertPosition(position);
    return request(HEADER.coinId, Uint8Array.of(position));
  },
  /**
   * Inhibit mask: bit n-1 set = position n accepted; every other position is inhibited.
   * Two bytes, positions 1-8 first.
   */
  modifyInhibitStatus: (enabled: readonly number[]): CcTalkRequest => {
    let mask = 0;
    for (const position of enabled) {
      assertPosition(position);
      mask |= 1 << (position - 1);
    }
    return request(HEADER.modifyInhibitStatus, Uint8Array.of(mask & 0xff, mask >> 8));
  },
  /** Master inhibit: bit 0 clear stops all coins, set lets enabled positions through. */
  modifyMasterInhibit: (inhibited: boolean): CcTalkRequest =>
    request(HEADER.modifyMasterInhibit, Uint8Array.of(inhibited ? 0 : 1)),
};

/** Builds the request frame a host sends to a device. */
export function requestFrame(req: CcTalkRequest, dest: number = ADDRESS.coinAcceptor): CcTalkFrame {
  return { dest, src: ADDRESS.host, header: req.header, data: req.data };
}

/** Checks the reply header: 0 is ACK, 5 NAK, 6 BUSY; anything else is not a reply. */
export function replyStatus(frame: CcTalkFrame): 'ack' | 'nak' | 'busy' | 'unexpected' {
  switch (frame.header) {
    case HEADER.ack:
      return 'ack';
    case HEADER.nak:
      return 'nak';
    case HEADER.busy:
      return 'busy';
    default:
      return 'unexpected';
  }
}

function ackData(frame: CcTalkFrame, length?: number): ReplyResult<Uint8Array> {
  const status = replyStatus(frame);
  if (status !== 'ack') return { ok: false, error: `reply is ${status} (header ${frame.header})` };
  if (length !== undefined && frame.data.length !== length) {
    return { ok: false, error: `reply has ${frame.data.length} data bytes, expected ${length}` };
  }
  return { ok: true, value: frame.data };
}

/** An empty ACK, the answer to 254, 231, 228 and 1. */
export function parseAck(frame: CcTalkFrame): ReplyResult<void> {
  const data = ackData(frame, 0);
  return data.ok ? { ok: true, value: undefined } : data;
}

/** Printable ASCII reply (246 manufacturer, 245 category, 244 product code), trimmed. */
export function parseAscii(frame: CcTalkFrame): ReplyResult<string> {
  const data = ackData(frame);
  if (!data.ok) return data;
  if (data.value.some((b) => b < 0x20 || b > 0x7e)) {
    return { ok: false, error: 'reply is not printable ASCII' };
  }
  return { ok: true, value: String.fromCharCode(...data.value).trim() };
}

/** 242 serial number: three bytes, least significant first. */
export function parseSerialNumber(frame: CcTalkFrame): ReplyResult<number> {
  const data = ackData(frame, 3);
  if (!data.ok) return data;
  const [lo = 0, mid = 0, hi = 0] = data.value;
  return { ok: true, value: lo | (mid << 8) | (hi << 16) };
}

/** A 184 coin id, e.g. "EU200A": country, value code, issue. */
export interface CoinId {
  readonly code: string;
  readonly country: string;
  readonly valueCode: string;
  readonly issue: string;
}

/**
 * 184 coin id: six ASCII characters. An unprogrammed position answers dots, spaces or zeros:
 * `null`. The value code ("200", "2K5") is reported as is; money values come from
 * configuration, never from a string the device sent.
 */
export function parseCoinId(frame: CcTalkFrame): ReplyResult<CoinId | null> {
  const text = parseAscii(frame);
  if (!text.ok) {
    const data = ackData(frame, 6);
    if (data.ok && data.value.every((b) => b === 0)) return { ok: true, value: null };
    return text;
  }
  const code = text.value;
  if (code === '' || /^[.\s0]*$/.test(code)) return { ok: true, value: null };
  if (code.length !== 6) return { ok: false, error: `coin id "${code}" is not 6 characters` };
  return {
    ok: true,
    value: { code, country: code.slice(0, 2), valueCode: code.slice(2, 5), issue: code.slice(5) },
  };
}

/** One buffered 229 event: A = coin position (0: error), B = sorter path (or error code). */
export interface BufferedEvent {
  readonly a: number;
  readonly b: number;
}

/** A 229 reply: the event counter and five events, NEWEST FIRST as on the wire. */
export interface BufferedCredit {
  readonly counter: number;
  readonly events: readonly BufferedEvent[];
}

/** Number of events a ccTalk coin acceptor buffers. */
export const CREDIT_BUFFER_EVENTS = 5;

/** 229 read buffered credit or error codes: 11 bytes `[counter][A1 B1]...[A5 B5]`. */
export function parseBufferedCredit(frame: CcTalkFrame): ReplyResult<BufferedCredit> {
  const data = ackData(frame, 1 + 2 * CREDIT_BUFFER_EVENTS);
  if (!data.ok) return data;
  const bytes = data.value;
  const events: BufferedEvent[] = [];
  for (let i = 0; i < CREDIT_BUFFER_EVENTS; i += 1) {
    events.push({ a: bytes[1 + 2 * i] ?? 0, b: bytes[2 + 2 * i] ?? 0 });
  }
  return { ok: true, value: { counter: bytes[0] ?? 0, events } };
}

/** Encodes a 229 reply's data (simulators and tests). */
export function encodeBufferedCredit(reply: BufferedCredit): Uint8Array {
  const out = new Uint8Array(1 + 2 * CREDIT_BUFFER_EVENTS);
  out[0] = reply.counter;
  reply.events.slice(0, CREDIT_BUFFER_EVENTS).forEach((e, i) => {
    out[1 + 2 * i] = e.a;
    out[2 + 2 * i] = e.b;
  });
  return out;
}
