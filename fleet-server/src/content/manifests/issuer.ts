import type { KeyObject } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { signManifest, wrapContentKey } from '@jukebox/crypto';
import { fleetManifest, signedManifest as signedManifestSchema } from '@jukebox/protocol';
import { decodeJson, encodeJson, isUniqueViolation } from '@jukebox/db';
import type { Clock } from '../../clock.js';
import type { FleetDatabase } from '../../db/schema.js';
import type { Logger } from '../../logger.js';
import type { ContentKeySealer } from '../master-key.js';
import {
  assembleBoxContent,
  buildManifest,
  contentDigest,
  type BoxContent,
  type SetContent,
} from './build.js';
import { dueBoxes } from './due.js';
import { countDown, HeadMovedError, recordUnchanged, storeIssued } from './store.js';
import {
  inChunks,
  loadBoxes,
  loadDirty,
  loadHeads,
  loadSetIdsPerBox,
  loadSets,
  type BoxState,
  type HeadState,
  type LoadedTrack,
} from './load.js';

export interface ManifestIssuerDeps {
  db: Kysely<FleetDatabase>;
  clock: Clock;
  log: Logger;
  lifetimeMs: number;
  renewAheadMs: number;
  /** The master key that opens the stored content keys. */
  sealer(): Promise<ContentKeySealer>;
  /** The server's manifest-signing key (Ed25519). */
  signingKey(): Promise<KeyObject>;
  /** Tells a connected box a new manifest is ready (control channel). */
  notify(boxId: string, version: number): void;
  /** Boxes per batch (one transaction each). */
  batchSize?: number;
}

/** Runs back to back at most (more changes, or races lost to another server process). */
const MAX_ROUNDS = 10;

export interface IssueReport {
  /** Boxes looked at. */
  examined: number;
  /** Manifests issued (one per box at most). */
  issued: number;
  /** Boxes looked at whose manifest was still right. */
  unchanged: number;
}

/** What one run shares across its batches, so each set and track is loaded once. */
interface RunCache {
  sets: Map<number, SetContent>;
  tracks: Map<string, LoadedTrack>;
  /** Box content and its digest per list of set ids (boxes on one route share one). */
  contents: Map<string, { content: BoxContent; digest: string }>;
  keys: Map<string, Buffer>;
}

interface Plan {
  box: BoxState & { agreementKey: string };
  head: HeadState | undefined;
  content: BoxContent;
  digest: string;
}

/**
 * Issues signed manifests. A run finds the boxes that need one (content changed, moved
 * route, new box with sets, expiring soon: see due.ts) and works through them in batches:
 * load what the batch's boxes hold with a few queries, build each box's manifest (the content
 * keys wrapped for the box, reusing the wraps of its previous manifest where the key is the
 * same), sign, and store the batch in one transaction. Cost grows with boxes times their
 * tracks, the size of the output; nothing is per-pair of boxes.
 *
 * Versions are strictly increasing per box: the head row is updated only if it still holds
 * the version this run read, so two server processes never issue the same version twice.
 */
export class ManifestIssuer {
  #running: Promise<IssueReport> | null = null;
  #again = false;
  #closed = false;
  readonly #batchSize: number;

  constructor(private readonly deps: ManifestIssuerDeps) {
    this.#batchSize = deps.batchSize ?? 250;
  }

  /**
   * Runs now (or, if a run is under way, once more after it) and resolves when no run is left
   * to do. Resolves with the totals of the runs it waited for.
   */
  run(): Promise<IssueReport> {
    if (this.#running) {
      this.#again = true;
      return this.#running;
    }
    this.#running = (async () => {
      const total: IssueReport = { examined: 0, issued: 0, unchanged: 0 };
      let rounds = 0;
      do {
        this.#again = false;
        const report = await this.#runOnce();
        total.examined += report.examined;
        total.issued += report.issued;
        total.unchanged += report.unchanged;
        // A bound, so a race that never settles cannot spin here; the timer tries again.
        if (++rounds >= MAX_ROUNDS) {
          if (this.#again) this.deps.log.warn({ rounds }, 'manifest job gave up for now');
          break;
        }
      } while (this.#again);
      return total;
    })().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  /** Starts a run in the background; a failure is logged (the next run retries). */
  kick(): void {
    if (this.#closed) return;
    this.run().catch((err: unknown) => this.deps.log.error({ err }, 'manifest run failed'));
  }

  /** Resolves when the current run (if any) has ended. */
  async idle(): Promise<void> {
    await this.#running?.catch(() => undefined);
  }

  /** No background runs from now on (shutdown); waits for the one in progress. */
  async close(): Promise<void> {
    this.#closed = true;
    await this.idle();
  }

  async #runOnce(): Promise<IssueReport> {
    const now = this.deps.clock.now();
    const due = await dueBoxes(this.deps.db, now + this.deps.renewAheadMs);
    const report: IssueReport = { examined: 0, issued: 0, unchanged: 0 };
    if (due.length === 0) return report;
    const cache: RunCache = {
      sets: new Map(),
      tracks: new Map(),
      contents: new Map(),
      keys: new Map(),
    };
    for (let i = 0; i < due.length; i += this.#batchSize) {
      const batch = due.slice(i, i + this.#batchSize);
      try {
        const r = await this.#batch(batch, now, cache);
        report.examined += batch.length;
        report.issued += r.issued;
        report.unchanged += r.unchanged;
      } catch (err) {
        if (!(err instanceof HeadMovedError) && !isUniqueViolation(err)) throw err;
        // Another process got there first; look at these boxes again.
        this.deps.log.info({ boxes: batch.length }, 'manifest batch raced another server; redoing');
        this.#again = true;
      }
    }
    if (report.issued > 0) {
      this.deps.log.info(report, 'manifests issued');
    }
    return report;
  }

  async #batch(
    boxIds: string[],
    now: number,
    cache: RunCache,
  ): Promise<{ issued: number; unchanged: number }> {
    const { db } = this.deps;
    const [boxes, heads, dirty] = await Promise.all([
      loadBoxes(db, boxIds),
      loadHeads(db, boxIds),
      loadDirty(db, boxIds),
    ]);
    // Revoked boxes get nothing new; boxes that never enrolled have no key to wrap for.
    const eligible = [...boxes.values()].filter(
      (b): b is BoxState & { agreementKey: string } =>
        b.status === 'active' && b.agreementKey !== null,
    );
    const setIds = await loadSetIdsPerBox(db, eligible);
    await loadSets(db, [...new Set([...setIds.values()].flat())], cache.sets, cache.tracks);

    const issue: Plan[] = [];
    const unchanged: Plan[] = [];
    for (const box of eligible) {
      const ids = setIds.get(box.id) ?? [];
      const key = ids.join(',');
      let entry = cache.contents.get(key);
      if (!entry) {
        const content = assembleBoxContent(ids.map((id) => cache.sets.get(id)!));
        entry = { content, digest: contentDigest(content) };
        cache.contents.set(key, entry);
      }
      const head = heads.get(box.id);
      const plan = { box, head, ...entry };
      const empty = entry.content.tracks.length === 0 && entry.content.graphics.length === 0;
      if (!head) {
        if (!empty) issue.push(plan);
      } else if (
        head.contentDigest !== entry.digest ||
        head.agreementKey !== box.agreementKey ||
        head.expiresAt <= now + this.deps.renewAheadMs
      ) {
        issue.push(plan);
      } else {
        unchanged.push(plan);
      }
    }

    const signed = await this.#sign(issue, now, cache);
    await db.transaction().execute(async (trx) => {
      await storeIssued(
        trx,
        signed.map((s) => ({
          boxId: s.plan.box.id,
          version: s.version,
          json: s.json,
          contentDigest: s.plan.digest,
          routeId: s.plan.box.routeId,
          agreementKey: s.plan.box.agreementKey,
        })),
        now,
        now + this.deps.lifetimeMs,
      );
      await recordUnchanged(
        trx,
        unchanged.map((p) => ({
          boxId: p.box.id,
          version: p.head!.version,
          routeId: p.box.routeId,
        })),
      );
      await countDown(trx, dirty);
    });
    for (const s of signed) this.deps.notify(s.plan.box.id, s.version);
    return { issued: signed.length, unchanged: unchanged.length };
  }

  /** Builds and signs each planned manifest. */
  async #sign(plans: Plan[], now: number, cache: RunCache) {
    if (plans.length === 0) return [];
    const [privateKey, sealer, previous] = await Promise.all([
      this.deps.signingKey(),
      this.deps.sealer(),
      this.#previousWraps(plans),
    ]);
    const contentKey = (trackId: string): Buffer => {
      let key = cache.keys.get(trackId);
      if (!key) {
        key = sealer.open(cache.tracks.get(trackId)!.sealedKey, trackId);
        cache.keys.set(trackId, key);
      }
      return key;
    };
    return plans.map((plan) => {
      const version = (plan.head?.version ?? 0) + 1;
      const reuse = previous.get(plan.box.id);
      const manifest = buildManifest({
        boxId: plan.box.id,
        version,
        issuedAt: now,
        expiresAt: now + this.deps.lifetimeMs,
        content: plan.content,
        wrappedKey: (trackId) =>
          reuse?.get(trackId) ??
          wrapContentKey(contentKey(trackId), plan.box.agreementKey, trackId),
      });
      // A manifest the box would refuse is a bug here; better no manifest than a broken one.
      const checked = fleetManifest.safeParse(manifest);
      if (!checked.success) {
        throw new Error(`manifest for ${plan.box.id} is malformed: ${checked.error.message}`);
      }
      return { plan, version, json: encodeJson(signManifest(manifest, privateKey)) };
    });
  }

  /**
   * The wrapped keys of each box's current manifest, by track id, when they were wrapped for
   * the key the box has now. Re-wrapping costs an X25519 agreement per track; a renewal or a
   * small change re-uses what the box already holds.
   */
  async #previousWraps(plans: Plan[]): Promise<Map<string, Map<string, string>>> {
    const wanted = plans.filter((p) => p.head && p.head.agreementKey === p.box.agreementKey);
    const rows = await inChunks(wanted, (chunk) =>
      this.deps.db
        .selectFrom('box_manifests')
        .select(['box_id', 'version', 'json'])
        .where(
          sql<boolean>`(box_id, version) in (${sql.join(
            chunk.map((p) => sql`(${p.box.id}, ${p.head!.version})`),
          )})`,
        )
        .execute(),
    );
    const out = new Map<string, Map<string, string>>();
    for (const row of rows) {
      const { manifest } = decodeJson(row.json, signedManifestSchema);
      out.set(row.box_id, new Map(manifest.tracks.map((t) => [t.trackId, t.wrappedKey])));
    }
    return out;
  }
}
