import type { BurnEventKind, OrderStatus } from '@jukebox/protocol';
import { cachedStatement, type Db } from '../db/index.js';
import type { TelemetryOutbox } from '../telemetry/index.js';

/** A job a burner took: the order and which attempt this is (1 for the first). */
export interface ClaimedJob {
  orderId: number;
  trackingNumber: string;
  attempt: number;
}

export interface JobEvent {
  kind: BurnEventKind;
  burnerId?: string | undefined;
  detail?: string | undefined;
}

/**
 * The burn job queue (migration 0007) and the job's event log. Every event is a row and a
 * telemetry record written in one transaction, so what the tracking page shows is what the
 * terminal recorded, in the terminal's order.
 */
export class BurnJobs {
  constructor(
    private readonly db: Db,
    private readonly outbox: TelemetryOutbox,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /**
   * The oldest queued job this burner may take: one no earlier attempt failed on, so a retry
   * goes to another drive. Marks it running in the same transaction, so two idle burners
   * never take the same job.
   */
  claim(burnerId: string): ClaimedJob | null {
    return this.db
      .transaction((): ClaimedJob | null => {
        const job = cachedStatement<[string], { orderId: number; attempt: number; tn: string }>(
          this.db,
          `SELECT j.order_id AS orderId, j.attempt, o.tracking_number AS tn
           FROM burn_jobs j JOIN retail_orders o ON o.id = j.order_id
           WHERE j.state = 'queued'
             AND NOT EXISTS (SELECT 1 FROM json_each(j.tried) WHERE value = ?)
           ORDER BY j.order_id LIMIT 1`,
        ).get(burnerId);
        if (!job) return null;
        const attempt = job.attempt + 1;
        const at = this.now().toISOString();
        cachedStatement<[number, string, string, number]>(
          this.db,
          `UPDATE burn_jobs SET state = 'running', attempt = ?, burner_id = ?, updated_at = ?
           WHERE order_id = ?`,
        ).run(attempt, burnerId, at, job.orderId);
        this.setStatus(job.orderId, 'assembling', null);
        this.event(
          { orderId: job.orderId, trackingNumber: job.tn, attempt },
          { kind: 'burner-chosen', burnerId },
        );
        return { orderId: job.orderId, trackingNumber: job.tn, attempt };
      })
      .immediate();
  }

  /** Jobs left running by a crash or power cut: each is an attempt that did not finish. */
  interrupted(): (ClaimedJob & { burnerId: string | null })[] {
    return cachedStatement<[], ClaimedJob & { burnerId: string | null }>(
      this.db,
      `SELECT j.order_id AS orderId, o.tracking_number AS trackingNumber, j.attempt,
         j.burner_id AS burnerId
       FROM burn_jobs j JOIN retail_orders o ON o.id = j.order_id WHERE j.state = 'running'`,
    ).all();
  }

  /** Orders whose disc was made but whose status was not yet set (a crash while printing). */
  completeMade(): void {
    cachedStatement<[string]>(
      this.db,
      `UPDATE retail_orders SET status = 'done', message = 'Your CD is ready', updated_at = ?
       WHERE status <> 'done' AND id IN (SELECT order_id FROM burn_jobs WHERE state = 'done')`,
    ).run(this.now().toISOString());
  }

  /** True when some job is waiting for a burner that is allowed to take it. */
  hasQueued(): boolean {
    return (
      cachedStatement<[], { n: number }>(
        this.db,
        "SELECT count(*) AS n FROM burn_jobs WHERE state = 'queued'",
      ).get()?.n !== 0
    );
  }

  /** Records an event of the job (and its telemetry record) in one transaction. */
  event(job: ClaimedJob, event: JobEvent): void {
    const at = this.now().toISOString();
    this.db
      .transaction(() => {
        cachedStatement<[number, number, string, string, string | null, string | null]>(
          this.db,
          `INSERT INTO burn_events (order_id, attempt, at, kind, burner_id, detail)
           VALUES (?, ?, ?, ?, ?, ?)`,
        ).run(
          job.orderId,
          job.attempt,
          at,
          event.kind,
          event.burnerId ?? null,
          event.detail?.slice(0, 500) ?? null,
        );
        this.outbox.append(
          'burn-event',
          {
            trackingNumber: job.trackingNumber,
            kind: event.kind,
            attempt: job.attempt,
            ...(event.burnerId === undefined ? {} : { burnerId: event.burnerId }),
            ...(event.detail === undefined ? {} : { detail: event.detail.slice(0, 500) }),
          },
          at,
        );
      })
      .immediate();
  }

  setStatus(orderId: number, status: OrderStatus, message: string | null): void {
    cachedStatement<[string, string | null, string, number]>(
      this.db,
      'UPDATE retail_orders SET status = ?, message = ?, updated_at = ? WHERE id = ?',
    ).run(status, message, this.now().toISOString(), orderId);
  }

  /**
   * Sends the job back to the queue for another attempt. `failedOn` joins the drives this job
   * will not go to again (none when the attempt was cut by a restart, not by the drive).
   */
  requeue(orderId: number, failedOn: string | null, message: string): void {
    this.db
      .transaction(() => {
        cachedStatement<[string, string | null, string | null, number]>(
          this.db,
          `UPDATE burn_jobs SET state = 'queued', burner_id = NULL, updated_at = ?,
             tried = CASE WHEN ? IS NULL THEN tried ELSE json_insert(tried, '$[#]', ?) END
           WHERE order_id = ?`,
        ).run(this.now().toISOString(), failedOn, failedOn, orderId);
        this.setStatus(orderId, 'queued', message);
      })
      .immediate();
  }

  /** How many drives the job has failed on. */
  triedCount(orderId: number): number {
    return (
      cachedStatement<[number], { n: number }>(
        this.db,
        'SELECT json_array_length(tried) AS n FROM burn_jobs WHERE order_id = ?',
      ).get(orderId)?.n ?? 0
    );
  }

  /** Drives the job has not failed on yet, among `burnerIds`. */
  untried(orderId: number, burnerIds: readonly string[]): string[] {
    const row = cachedStatement<[number], { tried: string }>(
      this.db,
      'SELECT tried FROM burn_jobs WHERE order_id = ?',
    ).get(orderId);
    const tried = new Set(JSON.parse(row?.tried ?? '[]') as string[]);
    return burnerIds.filter((id) => !tried.has(id));
  }

  finish(orderId: number, state: 'done' | 'refunded'): void {
    cachedStatement<[string, string, number]>(
      this.db,
      'UPDATE burn_jobs SET state = ?, updated_at = ? WHERE order_id = ?',
    ).run(state, this.now().toISOString(), orderId);
  }

  /** Stores the recording of a finished disc and sends it up, in one transaction. */
  recording(
    job: ClaimedJob,
    data: {
      recordingId: string;
      burnerId: string;
      mediaSerial: string | null;
      outputDir: string | null;
      startedAt: string;
    },
  ): number {
    const finishedAt = this.now().toISOString();
    return this.db
      .transaction(() => {
        const row = cachedStatement<
          [number, string, string | null, string | null, string, string],
          { n: number }
        >(
          this.db,
          `INSERT INTO recordings (order_id, burner_id, media_serial, output_dir, started_at,
             finished_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING recording_number AS n`,
        ).get(
          job.orderId,
          data.burnerId,
          data.mediaSerial,
          data.outputDir,
          data.startedAt,
          finishedAt,
        );
        if (!row) throw new Error('recording insert returned no row');
        this.outbox.append(
          'recording',
          {
            trackingNumber: job.trackingNumber,
            recordingNumber: row.n,
            recordingId: data.recordingId,
            burnerId: data.burnerId,
            ...(data.mediaSerial === null ? {} : { mediaSerial: data.mediaSerial }),
            startedAt: data.startedAt,
            finishedAt,
          },
          finishedAt,
        );
        return row.n;
      })
      .immediate();
  }

  /** Track ids of orders not finished yet: their library files must stay. */
  tracksInUse(): number[] {
    return cachedStatement<[], { id: number }>(
      this.db,
      `SELECT DISTINCT t.track_id AS id FROM retail_order_tracks t
       JOIN burn_jobs j ON j.order_id = t.order_id WHERE j.state IN ('queued', 'running')`,
    )
      .all()
      .map((r) => r.id);
  }
}
