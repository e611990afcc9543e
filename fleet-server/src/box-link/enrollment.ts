import type { Kysely } from 'kysely';
import { isUniqueViolation } from '@jukebox/db';
import { verifyEnrollmentRequest } from '@jukebox/crypto';
import type { EnrollmentRequest } from '@jukebox/protocol';
import { recordAudit, type StaffActor } from '../audit/log.js';
import { BoxService, newBoxId } from '../boxes/service.js';
import { isoTime, type Clock } from '../clock.js';
import type { FleetDatabase } from '../db/schema.js';
import { conflict, FleetError, notFound } from '../errors.js';
import type {
  CreateEnrollmentCodeRequest,
  EnrollmentCodeCreated,
  EnrollmentCodeSummary,
} from './api-schemas.js';
import { hashEnrollmentCode, newEnrollmentCode } from './enrollment-code.js';
import type { ServerKeyStore } from './server-keys.js';

/**
 * The code was unknown, used, expired or revoked. One message for every case, so nobody can
 * learn which codes exist by trying them.
 */
export class EnrollmentRefused extends Error {
  override readonly name = 'EnrollmentRefused';
  constructor() {
    super('this enrollment code is not valid: ask for a new one');
  }
}

export interface EnrolledBox {
  boxId: string;
  routeId: number | null;
  serverSigningPublicKey: string;
}

const HOUR_MS = 3600_000;

/** One-time enrollment codes, and enrollment itself. */
export class Enrollment {
  readonly #boxes: BoxService;

  constructor(
    private readonly db: Kysely<FleetDatabase>,
    private readonly clock: Clock,
    private readonly keys: ServerKeyStore,
  ) {
    this.#boxes = new BoxService(db, clock);
  }

  /** Makes a code; the answer is the only place the code ever appears. */
  async createCode(
    input: CreateEnrollmentCodeRequest,
    actor: StaffActor,
  ): Promise<EnrollmentCodeCreated> {
    const now = this.clock.now();
    const code = newEnrollmentCode();
    const expiresAt = now + input.expiresInHours * HOUR_MS;
    const id = await this.db.transaction().execute(async (trx) => {
      if (input.routeId !== undefined) {
        const route = await trx
          .selectFrom('routes')
          .select('id')
          .where('id', '=', input.routeId)
          .executeTakeFirst();
        if (!route) throw notFound(`route ${input.routeId}`);
      }
      const row = await trx
        .insertInto('enrollment_codes')
        .values({
          code_hash: hashEnrollmentCode(code),
          name: input.name ?? null,
          route_id: input.routeId ?? null,
          created_by: actor.userId,
          created_at: now,
          expires_at: expiresAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await recordAudit(trx, now, {
        actor,
        action: 'enrollment-code.create',
        targetType: 'enrollment-code',
        targetId: row.id,
        // Never the code: the audit log is readable by every admin.
        details: { name: input.name ?? null, routeId: input.routeId ?? null, expiresAt },
      });
      return row.id;
    });
    return { ...(await this.#summary(id)), code };
  }

  /** Codes that can still be used (neither used, revoked nor expired), newest first. */
  async listPending(): Promise<EnrollmentCodeSummary[]> {
    const rows = await this.#select()
      .where('c.used_at', 'is', null)
      .where('c.revoked_at', 'is', null)
      .where('c.expires_at', '>', this.clock.now())
      .orderBy('c.id', 'desc')
      .execute();
    return rows.map(toSummary);
  }

  /** Withdraws a pending code. */
  async revokeCode(id: number, actor: StaffActor): Promise<EnrollmentCodeSummary> {
    const now = this.clock.now();
    await this.db.transaction().execute(async (trx) => {
      const row = await trx
        .selectFrom('enrollment_codes')
        .select(['id', 'used_at', 'revoked_at'])
        .where('id', '=', id)
        .executeTakeFirst();
      if (!row) throw notFound(`enrollment code ${id}`);
      if (row.used_at !== null) throw conflict('this code has been used already');
      if (row.revoked_at !== null) return;
      await trx
        .updateTable('enrollment_codes')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .execute();
      await recordAudit(trx, now, {
        actor,
        action: 'enrollment-code.revoke',
        targetType: 'enrollment-code',
        targetId: id,
      });
    });
    return this.#summary(id);
  }

  /**
   * Enrolls a box: the proof shows it holds the signing key it registers, the code is the
   * server's permission. Everything (box row, keys, link state, the code spent, the audit
   * row) is one transaction; of two boxes racing with one code, one wins.
   *
   * Refusals: 401 bad proof; {@link EnrollmentRefused} (403) for a code that cannot be used;
   * 409 for a signing key enrolled already.
   */
  async enroll(request: EnrollmentRequest, remoteAddress: string | null): Promise<EnrolledBox> {
    if (!verifyEnrollmentRequest(request)) {
      throw new FleetError(
        'unauthorized',
        'the proof does not verify: sign the request with the key it registers',
      );
    }
    // Fetched before the transaction: on SQLite the transaction holds the only connection.
    const serverKey = await this.keys.signingKey();
    const now = this.clock.now();
    try {
      return await this.db.transaction().execute(async (trx) => {
        const code = await trx
          .selectFrom('enrollment_codes')
          .selectAll()
          .where('code_hash', '=', hashEnrollmentCode(request.code))
          .executeTakeFirst();
        if (!code || code.used_at !== null || code.revoked_at !== null || code.expires_at <= now) {
          throw new EnrollmentRefused();
        }
        const taken = await trx
          .selectFrom('box_keys')
          .select('box_id')
          .where('signing_public_key', '=', request.signingPublicKey)
          .executeTakeFirst();
        if (taken) throw conflict('a box with this signing key is enrolled already');

        const boxId = newBoxId();
        const name = code.name ?? request.info.name ?? boxId;
        await this.#boxes.create({ id: boxId, name, routeId: code.route_id }, null, trx);
        await trx
          .insertInto('box_keys')
          .values({
            box_id: boxId,
            signing_public_key: request.signingPublicKey,
            agreement_public_key: request.agreementPublicKey,
            enrolled_at: now,
            enrollment_code_id: code.id,
          })
          .execute();
        await trx
          .insertInto('box_link_state')
          .values({ box_id: boxId, software_version: request.info.softwareVersion })
          .execute();
        // Conditional, so a concurrent enrollment that spent the code first makes this one fail.
        const spent = await trx
          .updateTable('enrollment_codes')
          .set({ used_at: now, used_by_box_id: boxId })
          .where('id', '=', code.id)
          .where('used_at', 'is', null)
          .executeTakeFirst();
        if (spent.numUpdatedRows !== 1n) throw new EnrollmentRefused();
        await recordAudit(trx, now, {
          actor: null,
          actorBoxId: boxId,
          action: 'box.enroll',
          targetType: 'box',
          targetId: boxId,
          details: {
            enrollmentCodeId: code.id,
            name,
            routeId: code.route_id,
            softwareVersion: request.info.softwareVersion,
            remoteAddress,
          },
        });
        return { boxId, routeId: code.route_id, serverSigningPublicKey: serverKey.publicKey };
      });
    } catch (err) {
      // The key was enrolled by a concurrent request after the check above.
      if (isUniqueViolation(err)) throw conflict('a box with this signing key is enrolled already');
      throw err;
    }
  }

  #select() {
    return this.db
      .selectFrom('enrollment_codes as c')
      .leftJoin('routes as r', 'r.id', 'c.route_id')
      .leftJoin('staff_users as u', 'u.id', 'c.created_by')
      .select([
        'c.id',
        'c.name',
        'c.route_id',
        'r.name as route_name',
        'u.username',
        'c.created_at',
        'c.expires_at',
      ]);
  }

  async #summary(id: number): Promise<EnrollmentCodeSummary> {
    return toSummary(await this.#select().where('c.id', '=', id).executeTakeFirstOrThrow());
  }
}

function toSummary(row: {
  id: number;
  name: string | null;
  route_id: number | null;
  route_name: string | null;
  username: string | null;
  created_at: number;
  expires_at: number;
}): EnrollmentCodeSummary {
  return {
    id: row.id,
    name: row.name,
    routeId: row.route_id,
    routeName: row.route_name,
    createdBy: row.username,
    createdAt: isoTime(row.created_at),
    expiresAt: isoTime(row.expires_at),
  };
}
