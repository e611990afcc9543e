#!/usr/bin/env node
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  collectionResponse,
  grantCreditsResponse,
  ledgerResponse,
  operatorError,
  statusResponse,
  voucherView,
  type LedgerEntryView,
} from '@jukebox/protocol';
import { z, type ZodType } from 'zod';
import { ConfigError, loadConfig } from './config.js';
import { CORE_URL_FILE } from './core-url.js';
import { OPERATOR_TOKEN_FILE } from './operator/token.js';

const USAGE = `Usage: jukebox-operator <command> [options]

Operator tasks at the box, through the running core's operator API.

Commands:
  status                                  money in the cash box and the acceptors' states
  credits <N> --reason TEXT --staff NAME  give N free credits (kept in the ledger with the reason)
  collect --staff NAME                    record that the cash box was emptied; prints what it held
  ledger [--after SEQ] [--limit N]        ledger rows, oldest first
  voucher <CREDITS> --staff NAME [--note TEXT]
                                          retail: issue a voucher code worth CREDITS
  vouchers                                retail: the vouchers issued, and which were used

Options:
  --config FILE     the box's configuration (to find its data folder); default: embedded defaults
  --data-dir DIR    the box's data folder (holds core.url and operator.token)
  --url URL         the core's address (default: read from <data-dir>/core.url)
  --json            print the raw JSON answer
  -h, --help        this text`;

class UsageError extends Error {}

interface Target {
  url: string;
  token: string;
}

function target(values: { config?: string; 'data-dir'?: string; url?: string }): Target {
  const dataDir = values['data-dir']
    ? path.resolve(values['data-dir'])
    : loadConfig(values.config).dataDir;
  const read = (name: string, what: string) => {
    try {
      return readFileSync(path.join(dataDir, name), 'utf8').trim();
    } catch {
      throw new UsageError(
        `no ${what} in ${dataDir} (${name}): is the core running with this data folder?`,
      );
    }
  };
  return {
    url: (values.url ?? read(CORE_URL_FILE, 'core address')).replace(/\/$/, ''),
    token: read(OPERATOR_TOKEN_FILE, 'operator token'),
  };
}

async function call<T>(
  t: Target,
  method: 'GET' | 'POST',
  route: string,
  schema: ZodType<T>,
  body?: unknown,
): Promise<T> {
  let res: Response;
  try {
    res = await fetch(`${t.url}${route}`, {
      method,
      headers: {
        authorization: `Bearer ${t.token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? null : JSON.stringify(body),
    });
  } catch (err) {
    throw new UsageError(`cannot reach the core at ${t.url}: ${(err as Error).message}`);
  }
  const json: unknown = await res.json().catch(() => null);
  if (!res.ok) {
    const e = operatorError.safeParse(json);
    throw new UsageError(
      e.success ? `refused (${e.data.code}): ${e.data.error}` : `HTTP ${res.status}`,
    );
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) throw new UsageError(`unexpected answer from ${route}`);
  return parsed.data;
}

function money(cents: number): string {
  return (cents / 100).toFixed(2);
}

function ledgerLine(e: LedgerEntryView): string {
  const what =
    e.kind === 'credit'
      ? `${e.denomination ?? ''} ${money(e.valueCents ?? 0)}`
      : e.kind === 'free'
        ? `${e.reason ?? ''} (${e.staff ?? ''})`
        : (e.reason ?? e.ref ?? '');
  const credits = e.credits > 0 ? `+${e.credits}` : String(e.credits);
  return `${String(e.seq).padStart(6)}  ${e.at}  ${e.kind.padEnd(6)} ${credits.padStart(5)}  ${String(e.balanceAfter).padStart(5)}  ${what}`;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      config: { type: 'string' },
      'data-dir': { type: 'string' },
      url: { type: 'string' },
      reason: { type: 'string' },
      note: { type: 'string' },
      staff: { type: 'string' },
      after: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || command === undefined) {
    console.log(USAGE);
    return;
  }
  const print = (value: unknown, human: () => string) =>
    console.log(values.json ? JSON.stringify(value, null, 2) : human());
  const t = target(values);
  switch (command) {
    case 'status': {
      const res = await fetch(`${t.url}/api/v1/status`).catch((err: unknown) => {
        throw new UsageError(`cannot reach the core at ${t.url}: ${(err as Error).message}`);
      });
      const s = statusResponse.parse(await res.json());
      const m = s.money;
      print(m, () =>
        [
          `credits on the box: ${s.credits}`,
          `cash box since ${m.totals.sinceCollection ?? 'the first coin'}: ${money(m.totals.totalCents)} in ${m.totals.count} coins and notes`,
          ...m.totals.byDenomination.map(
            (d) =>
              `  ${d.denomination.padEnd(12)} x${String(d.count).padStart(4)}  ${money(d.totalCents)}`,
          ),
          ...m.devices.map((d) => `acceptor ${d.id}: ${d.state}${d.fault ? ` (${d.fault})` : ''}`),
        ].join('\n'),
      );
      return;
    }
    case 'credits': {
      const credits = Number(rest[0]);
      if (!Number.isInteger(credits))
        throw new UsageError('credits needs a whole number: credits 5');
      if (!values.reason || !values.staff) {
        throw new UsageError('free credits need --reason TEXT and --staff NAME');
      }
      const r = await call(t, 'POST', '/api/v1/operator/credits', grantCreditsResponse, {
        credits,
        reason: values.reason,
        staff: values.staff,
      });
      print(
        r,
        () => `gave ${credits} credits (ledger #${r.entry.seq}); the box now has ${r.balance}`,
      );
      return;
    }
    case 'collect': {
      if (!values.staff) throw new UsageError('collect needs --staff NAME');
      const r = await call(t, 'POST', '/api/v1/operator/collection', collectionResponse, {
        staff: values.staff,
      });
      print(r, () =>
        [
          `collection #${r.collection.id} by ${r.collection.staff} at ${r.collection.at}`,
          `the cash box held ${money(r.collected.totalCents)} in ${r.collected.count} coins and notes`,
          ...r.collected.byDenomination.map(
            (d) =>
              `  ${d.denomination.padEnd(12)} x${String(d.count).padStart(4)}  ${money(d.totalCents)}`,
          ),
        ].join('\n'),
      );
      return;
    }
    case 'ledger': {
      const query = new URLSearchParams();
      if (values.after !== undefined) query.set('after', values.after);
      if (values.limit !== undefined) query.set('limit', values.limit);
      const r = await call(t, 'GET', `/api/v1/operator/ledger?${query}`, ledgerResponse);
      print(r, () =>
        [
          '   seq  at                        kind   delta  after  what',
          ...r.entries.map(ledgerLine),
          r.next === null ? `balance ${r.balance}` : `more: --after ${r.next}`,
        ].join('\n'),
      );
      return;
    }
    case 'voucher': {
      const credits = Number(rest[0]);
      if (!Number.isInteger(credits)) {
        throw new UsageError('voucher needs a whole number of credits: voucher 899 --staff amy');
      }
      if (!values.staff) throw new UsageError('a voucher needs --staff NAME');
      const v = await call(t, 'POST', '/api/v1/operator/vouchers', voucherView, {
        credits,
        staff: values.staff,
        ...(values.note ? { note: values.note } : {}),
      });
      print(v, () => `voucher ${v.code} worth ${v.credits} credits, issued by ${v.staff}`);
      return;
    }
    case 'vouchers': {
      const r = await call(
        t,
        'GET',
        '/api/v1/operator/vouchers',
        z.object({ vouchers: z.array(voucherView) }),
      );
      print(r, () =>
        r.vouchers.length === 0
          ? 'no vouchers issued'
          : r.vouchers
              .map(
                (v) =>
                  `${v.code}  ${String(v.credits).padStart(6)}  ${v.issuedAt}  ${v.staff.padEnd(12)}  ${v.redeemedAt ? `used ${v.redeemedAt}` : 'unused'}${v.note ? `  (${v.note})` : ''}`,
              )
              .join('\n'),
      );
      return;
    }
    default:
      throw new UsageError(`unknown command "${command}"\n\n${USAGE}`);
  }
}

main(process.argv.slice(2)).catch((err: unknown) => {
  const known = err instanceof UsageError || err instanceof ConfigError || err instanceof TypeError;
  console.error(`jukebox-operator: ${known ? (err as Error).message : String(err)}`);
  process.exit(known ? 2 : 1);
});
