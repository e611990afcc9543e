import type { MoneyDeviceConfig } from '@jukebox/protocol';
import { z } from 'zod';
import { CcTalkCoinAcceptor } from './cctalk/driver.js';
import { EsspNoteValidator } from './essp/driver.js';
import type { EscrowContext } from './essp/escrow.js';
import type { MoneyDevice } from './types.js';

const minorUnits = z.number().int().positive();

/** `options` of a ccTalk coin acceptor in the box's config file. */
export const ccTalkOptions = z.strictObject({
  /** Value in cents per 184 coin id ("EU200A") or its first five characters ("EU200"). */
  coinValues: z.record(z.string().min(1), minorUnits),
  checksum: z.enum(['simple', 'crc16']).optional(),
  /** Single-wire bus: discard the echo of our own bytes. */
  echo: z.boolean().optional(),
  baudRate: z.number().int().positive().optional(),
  address: z.number().int().min(1).max(255).optional(),
  pollIntervalMs: z.number().int().min(20).max(200).optional(),
});

/** `options` of an eSSP note validator: its escrow rules. */
export const esspOptions = z.strictObject({
  slaveId: z.number().int().min(0).max(127).optional(),
  protocolVersion: z.number().int().min(6).max(8).optional(),
  pollIntervalMs: z.number().int().min(100).max(1000).optional(),
  /** Only these note values (minor units) are taken. */
  acceptedValues: z.array(minorUnits).optional(),
  /** Largest note taken, e.g. to refuse a 100 in a bar. */
  maxValue: minorUnits.optional(),
  rejectChannels: z.array(z.number().int().min(1).max(24)).optional(),
  returnWhenQueueFull: z.boolean().optional(),
  maxBalance: minorUnits.optional(),
});

export interface MoneyDeviceDeps {
  /** The box's currency (money.currency). */
  currency: string;
  /** One line per notable driver event. */
  log: (line: string) => void;
  /** The box's state when a note is in escrow. */
  escrowContext?: () => EscrowContext | Promise<EscrowContext>;
}

/**
 * Builds the driver a configured money device names. Its `options` are validated here: a bad
 * or misspelt option stops the start with the device id and the field, never a silent default.
 */
export function createMoneyDevice(config: MoneyDeviceConfig, deps: MoneyDeviceDeps): MoneyDevice {
  const parse = <T extends z.ZodType>(schema: T): z.output<T> => {
    const r = schema.safeParse(config.options);
    if (r.success) return r.data;
    const detail = r.error.issues
      .map((i) => `options.${i.path.join('.') || '(all)'}: ${i.message}`)
      .join('; ');
    throw new Error(`money device "${config.id}" (${config.driver}): ${detail}`);
  };
  switch (config.driver) {
    case 'cctalk': {
      const o = parse(ccTalkOptions);
      return new CcTalkCoinAcceptor({
        ...o,
        path: config.path,
        currency: deps.currency,
        log: deps.log,
      });
    }
    case 'essp': {
      const { slaveId, protocolVersion, pollIntervalMs, ...rules } = parse(esspOptions);
      return new EsspNoteValidator({
        path: config.path,
        ...(slaveId === undefined ? {} : { slaveId }),
        ...(protocolVersion === undefined ? {} : { protocolVersion }),
        ...(pollIntervalMs === undefined ? {} : { pollIntervalMs }),
        escrowRules: { currency: deps.currency, ...rules },
        ...(deps.escrowContext ? { escrowContext: deps.escrowContext } : {}),
        log: deps.log,
      });
    }
  }
}
