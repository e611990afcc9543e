import {
  MAX_TELEMETRY_BATCH,
  telemetryRecord,
  type TelemetryRecord as WireRecord,
} from '@jukebox/protocol';
import type { Logger } from '../log.js';
import type { TelemetryOutbox, TelemetryRecord } from '../telemetry/index.js';

/** What the uploader needs of the control channel. */
export interface TelemetryLink {
  /** Sends a batch; false when the channel is not open. */
  sendBatch(records: WireRecord[]): boolean;
}

export interface TelemetryUploaderOptions {
  outbox: TelemetryOutbox;
  link: TelemetryLink;
  log: Logger;
  /** Records per batch (at most the protocol's limit). */
  batchSize?: number;
  /** Batches sent ahead of the server's acknowledgement. */
  window?: number;
}

const text = (v: unknown, max: number, fallback: string): string => {
  const s = typeof v === 'string' ? v.trim() : '';
  return s.length === 0 ? fallback : s.slice(0, max);
};
const optionalText = (v: unknown, max: number): string | undefined => {
  const s = typeof v === 'string' ? v.trim() : '';
  return s.length === 0 ? undefined : s.slice(0, max);
};
const optionalNumber = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/** Drops undefined values: the wire schemas are strict and know no nulls. */
function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Turns an outbox row into the wire record. The row's JSON was written by SQLite triggers
 * from box data that no schema bounded (a 400-character title, an ISRC with dashes), so
 * values are brought inside the wire limits here rather than refused: a record that could
 * never be sent would block every record after it.
 */
export function toWireRecord(row: TelemetryRecord): WireRecord {
  const d = row.data;
  const base = { seq: row.seq, at: row.at };
  switch (row.kind) {
    case 'play': {
      return {
        ...base,
        kind: 'play',
        data: compact({
          playSeq: Number(d.playSeq),
          catalogId: wireCatalogId(d.catalogId),
          localTrackId: Number(d.trackId),
          isrc: wireIsrc(d.isrc),
          title: text(d.title, 300, 'Unknown title'),
          artist: text(d.artist, 300, 'Unknown artist'),
          startedAt: String(d.startedAt),
          endedAt: optionalText(d.endedAt, 40),
          completed: d.completed === true,
          playedMs: optionalNumber(d.playedMs),
          paidCredits: optionalNumber(d.paidCredits) ?? 0,
        }),
      };
    }
    case 'ledger':
      return {
        ...base,
        kind: 'ledger',
        data: compact({
          entrySeq: Number(d.entrySeq),
          kind: d.kind as 'credit',
          credits: Number(d.credits),
          valueCents: optionalNumber(d.valueCents),
          denomination: optionalText(d.denomination, 32),
          reason: optionalText(d.reason, 200),
          staff: optionalText(d.staff, 100),
          bonus: optionalNumber(d.bonus) || undefined,
          balanceAfter: optionalNumber(d.balanceAfter),
          ref: optionalText(d.ref, 100),
        }),
      };
    case 'song-request':
      return {
        ...base,
        kind: 'song-request',
        data: compact({
          requestId: optionalNumber(d.requestId),
          text: text(d.text, 200, '?'),
        }),
      };
    case 'status':
      return {
        ...base,
        kind: 'status',
        data: d as WireRecord['data'] & { software: string },
      } as WireRecord;
    case 'order': {
      // Track titles and ISRCs come from the library, which no wire schema bounded.
      const tracks = Array.isArray(d.tracks) ? (d.tracks as Record<string, unknown>[]) : [];
      return {
        ...base,
        kind: 'order',
        data: {
          ...(d as Extract<WireRecord, { kind: 'order' }>['data']),
          tracks: tracks.map((t) =>
            compact({
              localTrackId: Number(t.localTrackId),
              catalogId: wireCatalogId(t.catalogId),
              isrc: wireIsrc(t.isrc),
              title: text(t.title, 300, 'Unknown title'),
              artist: text(t.artist, 300, 'Unknown artist'),
              durationMs: Math.max(0, Math.round(Number(t.durationMs) || 0)),
            }),
          ),
        },
      };
    }
    // Written by the retail code from bounded values (see retail/jobs.ts).
    case 'recording':
    case 'burn-event':
      return { ...base, kind: row.kind, data: d } as WireRecord;
  }
}

function wireIsrc(value: unknown): string | undefined {
  const isrc = typeof value === 'string' ? value.replace(/-/g, '').toUpperCase() : '';
  return /^[A-Z]{2}[A-Z0-9]{3}[0-9]{7}$/.test(isrc) ? isrc : undefined;
}

function wireCatalogId(value: unknown): string | undefined {
  const id = optionalText(value, 64);
  return id !== undefined && /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/.test(id) ? id : undefined;
}

/**
 * Sends the outbox up the control channel: batches in seq order, a few ahead of the server's
 * acknowledgement; each `ack` forgets the records it covers. After a reconnect it starts again
 * from the last acknowledged seq, so a batch lost with the connection is sent again, and the
 * server, storing idempotently on (box, seq), keeps one copy.
 */
export class TelemetryUploader {
  private sentUpTo: number;
  private readonly batchSize: number;
  private readonly window: number;

  constructor(private readonly opts: TelemetryUploaderOptions) {
    this.batchSize = Math.min(opts.batchSize ?? MAX_TELEMETRY_BATCH, MAX_TELEMETRY_BATCH);
    this.window = opts.window ?? 4;
    this.sentUpTo = opts.outbox.ackedSeq();
  }

  /** The connection is new: everything not acknowledged is sent again. */
  reset(): void {
    this.sentUpTo = this.opts.outbox.ackedSeq();
  }

  /** The server stored everything up to `seq`. */
  acknowledged(seq: number): void {
    const r = this.opts.outbox.acknowledge(seq);
    if (!r.ok) {
      this.opts.log.warn({ seq, error: r.error }, 'telemetry ack refused');
      return;
    }
    if (this.sentUpTo < r.acked) this.sentUpTo = r.acked;
    this.pump();
  }

  /** Sends what the window allows. Call when records may have been added. */
  pump(): void {
    // Outbox seqs have no gaps (AUTOINCREMENT in one writer; a rolled-back insert rolls its
    // number back too), so what is in flight is the distance to the acknowledgement.
    for (;;) {
      const acked = this.opts.outbox.ackedSeq();
      if (this.sentUpTo - acked >= this.batchSize * this.window) return;
      const batch = this.opts.outbox.pending(this.sentUpTo, this.batchSize);
      if (batch.length === 0) return;
      const records: WireRecord[] = [];
      for (const row of batch) {
        const wire = toWireRecord(row);
        const checked = telemetryRecord.safeParse(wire);
        if (checked.success) records.push(checked.data);
        else {
          // Should not happen (toWireRecord bounds every field); say so loudly and send the
          // record as it is: the server refuses it with a reason instead of it blocking here.
          this.opts.log.error(
            { seq: row.seq, kind: row.kind, issue: checked.error.issues[0] },
            'telemetry record out of the wire schema',
          );
          records.push(wire);
        }
      }
      if (!this.opts.link.sendBatch(records)) return;
      this.sentUpTo = batch.at(-1)?.seq ?? this.sentUpTo;
    }
  }
}
