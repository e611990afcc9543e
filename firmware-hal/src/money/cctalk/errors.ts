import type { FaultReason, RejectReason } from '../types.js';

/** How the driver reports a ccTalk coin error code (the B byte of a 229 event when A = 0). */
export type CoinErrorInfo =
  | {
      readonly event: 'reject';
      readonly code: number;
      /** Stable slug for logs and tests, e.g. "inhibited-coin". */
      readonly reason: string;
      readonly rejectReason: RejectReason;
    }
  | {
      readonly event: 'fault';
      readonly code: number;
      readonly reason: string;
      readonly faultReason: FaultReason;
      /** The mech needs service before it takes money again (a blocked path, an open lid). */
      readonly fatal: boolean;
    }
  | { readonly event: 'none'; readonly code: 0; readonly reason: 'null-event' };

type Row = readonly [reason: string, kind: RejectReason | `fault:${FaultReason}` | 'fatal'];

// ccTalk generic specification, coin acceptor error code table. Codes 1-40, 254, 255.
// Rejects hand the coin back; faults say something about the mech. "fatal" rows leave the
// coin path blocked or open, so the device takes no money until serviced.
const TABLE: Readonly<Record<number, Row>> = {
  1: ['reject-coin', 'rejected'],
  2: ['inhibited-coin', 'inhibited'],
  3: ['multiple-window', 'rejected'],
  4: ['wake-up-timeout', 'rejected'],
  5: ['validation-timeout', 'rejected'],
  6: ['credit-sensor-timeout', 'fault:sensor'],
  7: ['sorter-opto-timeout', 'fault:sensor'],
  8: ['second-close-coin', 'too-fast'],
  9: ['accept-gate-not-ready', 'too-fast'],
  10: ['credit-sensor-not-ready', 'too-fast'],
  11: ['sorter-not-ready', 'too-fast'],
  12: ['reject-coin-not-cleared', 'too-fast'],
  13: ['validation-sensor-not-ready', 'fault:sensor'],
  14: ['credit-sensor-blocked', 'fatal'],
  15: ['sorter-opto-blocked', 'fatal'],
  16: ['credit-sequence-error', 'fraud'],
  17: ['coin-going-backwards', 'fraud'],
  18: ['coin-too-fast', 'fraud'],
  19: ['coin-too-slow', 'fraud'],
  20: ['coin-on-string', 'fraud'],
  21: ['dce-opto-timeout', 'fault:sensor'],
  22: ['dce-opto-not-seen', 'fraud'],
  23: ['credit-sensor-reached-too-early', 'fraud'],
  24: ['reject-coin-repeated-trip', 'fraud'],
  25: ['reject-slug', 'slug'],
  26: ['reject-sensor-blocked', 'fatal'],
  27: ['games-overload', 'fault:other'],
  28: ['max-coin-meter-pulses-exceeded', 'fault:other'],
  29: ['accept-gate-open-not-closed', 'fatal'],
  30: ['accept-gate-closed-not-open', 'fatal'],
  31: ['manifold-opto-timeout', 'fault:sensor'],
  32: ['manifold-opto-blocked', 'fatal'],
  33: ['manifold-not-ready', 'too-fast'],
  34: ['security-status-changed', 'fault:fraud'],
  35: ['motor-exception', 'fatal'],
  // The mech kept a coin it did not credit: the patron lost money, so it is a fault to show.
  36: ['swallowed-coin', 'fault:other'],
  37: ['coin-too-fast-validation', 'fraud'],
  38: ['coin-too-slow-validation', 'fraud'],
  39: ['coin-incorrectly-sorted', 'fault:other'],
  40: ['external-light-attack', 'fraud'],
  254: ['flight-deck-open', 'fatal'],
  255: ['unspecified-alarm', 'fault:other'],
};

/** Maps a ccTalk coin error code to the event the driver reports. Total: unknown codes too. */
export function coinError(code: number): CoinErrorInfo {
  if (code === 0) return { event: 'none', code: 0, reason: 'null-event' };
  const row = TABLE[code];
  if (row === undefined) {
    return {
      event: 'fault',
      code,
      reason: `unknown-error-${code}`,
      faultReason: 'other',
      fatal: false,
    };
  }
  const [reason, kind] = row;
  if (kind === 'fatal') {
    const faultReason: FaultReason = code === 35 || code === 254 ? 'other' : 'jam';
    return { event: 'fault', code, reason, faultReason, fatal: true };
  }
  if (kind.startsWith('fault:')) {
    return {
      event: 'fault',
      code,
      reason,
      faultReason: kind.slice(6) as FaultReason,
      fatal: false,
    };
  }
  return { event: 'reject', code, reason, rejectReason: kind as RejectReason };
}
