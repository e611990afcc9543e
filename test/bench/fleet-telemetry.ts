import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { sql } from 'kysely';
import { buildServer, loadConfig, type FleetContext } from '@jukebox/fleet-server';
import { MAX_TELEMETRY_BATCH, telemetryBatch, type TelemetryRecord } from '@jukebox/protocol';
import { tempDir } from './common.js';
import { Cleanup } from './fleet-procs.js';
import { barNight } from './fleet-records.js';
import { fmtMs, report } from './stats.js';

const BOXES = 20;
const RECORDS_PER_BOX = 5_000;
/** The naive loop stops after this many records or this long, whichever comes first. */
const NAIVE_MAX_RECORDS = 5_000;
const NAIVE_MAX_MS = 10_000;
const T0 = Date.UTC(2026, 5, 12, 20, 0, 0);

interface Measured {
  records: number;
  ms: number;
  /** CPU time of this process (user + system) while storing: the machine's load moves it less. */
  cpuMs: number;
  batches: number;
  /** Bytes this process had written to storage while storing (Linux), else null. */
  writtenBytes: number | null;
  naiveRecords: number;
  naiveMs: number;
}

/**
 * Bytes the process has caused to be written to storage so far (`write_bytes` of
 * /proc/self/io): on SQLite, the WAL frames of every commit and the checkpoints' pages. Null
 * where the file is missing (not Linux).
 */
function writtenBytes(): number | null {
  try {
    const m = /^write_bytes: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** Boxes as enrollment leaves them (the telemetry tables refer to them). */
async function addBoxes(ctx: FleetContext, count: number, tag: string): Promise<string[]> {
  const ids = Array.from(
    { length: count },
    (_, i) => `box-bench${tag}${String(i).padStart(4, '0')}`,
  );
  for (const id of ids) await ctx.boxes.create({ id, name: id }, null);
  return ids;
}

/**
 * The server's telemetry path in this process: `ctx.link.storeTelemetry` with batches of 500
 * from 20 boxes in turn (each batch one transaction: records, derived plays, counts, ledger
 * rows, song requests, status, ack), against one INSERT per record without a transaction.
 */
async function measure(ctx: FleetContext): Promise<Measured> {
  const boxes = await addBoxes(ctx, BOXES, 'a');
  const streams = boxes.map((id, i) => ({ id, records: barNight(i + 1, RECORDS_PER_BOX, T0) }));
  // The generator's records pass the wire schema (what the channel parses before storing).
  telemetryBatch.parse({ records: streams[0]!.records.slice(0, MAX_TELEMETRY_BATCH) });

  const written0 = writtenBytes();
  const cpu0 = process.cpuUsage();
  const t = performance.now();
  let batches = 0;
  for (let offset = 0; offset < RECORDS_PER_BOX; offset += MAX_TELEMETRY_BATCH) {
    for (const box of streams) {
      const batch = box.records.slice(offset, offset + MAX_TELEMETRY_BATCH);
      const ack = await ctx.link.storeTelemetry(box.id, batch);
      if (ack !== batch.at(-1)!.seq) throw new Error(`ack ${ack} after seq ${batch.at(-1)!.seq}`);
      batches += 1;
    }
  }
  const ms = performance.now() - t;
  const cpu = process.cpuUsage(cpu0);
  const written1 = writtenBytes();
  const records = BOXES * RECORDS_PER_BOX;

  const [naiveBox] = await addBoxes(ctx, 1, 'n');
  const naive = barNight(99, NAIVE_MAX_RECORDS, T0);
  const n0 = performance.now();
  let naiveRecords = 0;
  for (const r of naive) {
    await insertOne(ctx, naiveBox!, r);
    naiveRecords += 1;
    if (performance.now() - n0 > NAIVE_MAX_MS) break;
  }
  const naiveMs = performance.now() - n0;

  const stored = await ctx.db
    .selectFrom('telemetry_records')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  if (Number(stored.n) !== records + naiveRecords) {
    throw new Error(`stored ${stored.n} records, expected ${records + naiveRecords}`);
  }
  return {
    records,
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    batches,
    writtenBytes: written0 === null || written1 === null ? null : written1 - written0,
    naiveRecords,
    naiveMs,
  };
}

/** What a first implementation would do: one statement, one commit, per record. */
async function insertOne(ctx: FleetContext, boxId: string, r: TelemetryRecord): Promise<void> {
  await ctx.db
    .insertInto('telemetry_records')
    .values({
      box_id: boxId,
      seq: r.seq,
      kind: r.kind,
      at: Date.parse(r.at),
      received_at: Date.now(),
      data: JSON.stringify(r.data),
    })
    .execute();
}

/** A server (not listening) on a fresh SQLite file, or a fresh PostgreSQL schema. */
async function onDatabase(which: 'sqlite' | 'postgres'): Promise<Measured> {
  const cleanup = new Cleanup();
  try {
    const tmp = tempDir(`fleet-telemetry-${which}`);
    cleanup.push(tmp.cleanup);
    const schema = `bench_telemetry_${randomBytes(6).toString('hex')}`;
    let database: string | undefined;
    if (which === 'postgres') {
      const url = new URL(process.env.DATABASE_URL!);
      url.searchParams.set('schema', schema);
      database = url.toString();
    }
    const config = loadConfig({
      inline: { dataDir: tmp.dir, logLevel: 'warn', ...(database ? { database } : {}) },
      env: {},
      cwd: tmp.dir,
    });
    const server = await buildServer(config);
    cleanup.push(() => server.close());
    if (which === 'postgres') {
      cleanup.push(() =>
        sql`drop schema if exists ${sql.id(schema)} cascade`.execute(server.context.db),
      );
    }
    return await measure(server.context);
  } finally {
    await cleanup.close();
  }
}

/**
 * Records per second stored by the server's telemetry path into SQLite (and PostgreSQL when
 * DATABASE_URL is set), against a naive insert loop on the same database.
 */
export async function benchFleetTelemetry(): Promise<void> {
  const targets: ('sqlite' | 'postgres')[] = ['sqlite'];
  if (process.env.DATABASE_URL) targets.push('postgres');
  const rows = [];
  const loads: string[] = [];
  const costs: string[] = [];
  // Other jobs on the machine move these figures a lot (CPU and disk), so the load is printed.
  const load = () => os.loadavg()[0]!.toFixed(2);
  for (const which of targets) {
    const before = load();
    const m = await onDatabase(which);
    loads.push(`${which} ${before} -> ${load()}`);
    const written =
      which === 'sqlite' && m.writtenBytes !== null
        ? `, ${(m.writtenBytes / m.batches / 1024).toFixed(0)} KiB written per batch`
        : '';
    costs.push(
      `${which} ${Math.round(m.cpuMs).toLocaleString('en')} ms CPU ` +
        `(${Math.round(m.records / (m.cpuMs / 1000)).toLocaleString('en')} records per CPU-second)${written}`,
    );
    const ours = (m.records / m.ms) * 1000;
    const naive = (m.naiveRecords / m.naiveMs) * 1000;
    rows.push({
      metric: `${which}: records stored per second`,
      ours: `${Math.round(ours).toLocaleString('en')}/s (${m.records.toLocaleString('en')} in ${fmtMs(m.ms)})`,
      reference: `${Math.round(naive).toLocaleString('en')}/s naive INSERT per record (${m.naiveRecords.toLocaleString('en')})`,
      // Throughput: higher is better, so the ratio is ours over the reference.
      ratio: ours / naive,
      ...(which === 'sqlite' ? { target: '>= 50,000/s' } : {}),
    });
  }
  report(
    `Fleet telemetry storage, batches of ${MAX_TELEMETRY_BATCH} from ${BOXES} boxes (ctx.link.storeTelemetry, in process)`,
    rows,
    [
      'ours = records, plays, play counts, ledger mirror, song requests, status and ack, one transaction per batch;',
      'the naive loop stores the raw record only, one autocommit each (SQLite: WAL, synchronous=FULL)',
      'ratio here is throughput, ours/reference: higher is better',
      `1-minute load average before -> after (${os.cpus().length} cores): ${loads.join(', ')}`,
      // Server and database share the process only on SQLite; PostgreSQL's own CPU is not here.
      `this process while storing: ${costs.join('; ')}`,
      'written = bytes sent to storage (/proc/self/io): WAL frames of each commit and checkpoints',
      ...(process.env.DATABASE_URL ? [] : ['PostgreSQL skipped: DATABASE_URL is not set']),
    ],
  );
}
