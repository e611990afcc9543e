/**
 * SETUP REQUEST reply of a note validator (unit type 0). Layout of the body after OK:
 *
 * | bytes | field                                                     |
 * |-------|-----------------------------------------------------------|
 * | 1     | unit type (0 = note validator)                            |
 * | 4     | firmware version, ASCII (e.g. "0333" = 3.33)              |
 * | 3     | country code, ASCII (e.g. "EUR")                          |
 * | 3     | value multiplier, big-endian                              |
 * | 1     | n = number of channels                                    |
 * | n     | channel values, one byte each                             |
 * | n     | channel security levels (obsolete)                        |
 * | 3     | real value multiplier, big-endian                         |
 * | 1     | protocol version                                          |
 * | 3n    | protocol 6+: country code per channel, ASCII              |
 * | 4n    | protocol 6+: value per channel, 32-bit little-endian      |
 *
 * The one-byte values cannot express notes above 255 units, which is why protocol 6 added
 * the four-byte values; when present they are the ones used.
 */
export interface EsspChannel {
  /** 1-based channel number, as READ NOTE and CREDIT NOTE report it. */
  readonly channel: number;
  /** Note value in the currency's major unit as the device reports it (e.g. 5 for 5 EUR). */
  readonly value: number;
  readonly currency: string;
}

export interface EsspSetup {
  readonly unitType: number;
  readonly firmwareVersion: string;
  readonly currency: string;
  readonly valueMultiplier: number;
  readonly realValueMultiplier: number;
  readonly protocolVersion: number;
  readonly channels: readonly EsspChannel[];
}

export type SetupParse =
  { readonly ok: true; readonly value: EsspSetup } | { readonly ok: false; readonly error: string };

const ascii = (bytes: Uint8Array): string => String.fromCharCode(...bytes);
const u24be = (b: Uint8Array, at: number): number =>
  ((b[at] ?? 0) << 16) | ((b[at + 1] ?? 0) << 8) | (b[at + 2] ?? 0);

/** Parses the body (after the OK byte) of a note validator's SETUP REQUEST reply. */
export function parseSetupReply(body: Uint8Array): SetupParse {
  if (body.length < 12) return { ok: false, error: `setup reply too short (${body.length} bytes)` };
  const n = body[11] as number;
  const fixedEnd = 12 + 2 * n + 4;
  if (body.length < fixedEnd) {
    return { ok: false, error: `setup reply of ${body.length} bytes too short for ${n} channels` };
  }
  const protocolVersion = body[fixedEnd - 1] as number;
  const currency = ascii(body.subarray(5, 8));
  const valueMultiplier = u24be(body, 8);
  const view = new DataView(body.buffer, body.byteOffset, body.byteLength);
  const channels: EsspChannel[] = [];

  if (protocolVersion >= 6) {
    const expanded = fixedEnd + 7 * n;
    if (body.length < expanded) {
      return {
        ok: false,
        error: `protocol ${protocolVersion} setup reply lacks the expanded channel data`,
      };
    }
    for (let i = 0; i < n; i++) {
      const at = fixedEnd + 3 * i;
      channels.push({
        channel: i + 1,
        value: view.getUint32(fixedEnd + 3 * n + 4 * i, true),
        currency: ascii(body.subarray(at, at + 3)),
      });
    }
  } else {
    for (let i = 0; i < n; i++) {
      channels.push({
        channel: i + 1,
        value: (body[12 + i] as number) * valueMultiplier,
        currency,
      });
    }
  }
  return {
    ok: true,
    value: {
      unitType: body[0] as number,
      firmwareVersion: ascii(body.subarray(1, 5)),
      currency,
      valueMultiplier,
      realValueMultiplier: u24be(body, fixedEnd - 4),
      protocolVersion,
      channels,
    },
  };
}
