import type { Kysely } from 'kysely';
import { isUniqueViolation } from '@jukebox/db';
import type { StaffLoginResponse, StaffRole, StaffUser } from '@jukebox/protocol';
import { recordAudit, type StaffActor } from '../audit/log.js';
import { isoTime, type Clock } from '../clock.js';
import type { FleetDatabase, StaffStatus } from '../db/schema.js';
import { conflict, FleetError, notFound } from '../errors.js';
import type { Logger } from '../logger.js';
import type { LoginThrottle } from './login-throttle.js';
import {
  checkPasswordPolicy,
  dummyHash,
  hashPassword,
  needsRehash,
  verifyPassword,
  WeakPasswordError,
  type ScryptParams,
} from './passwords.js';
import type { SessionStore } from './sessions.js';
import { sortRoles, staffViews } from './views.js';

export interface StaffServiceDeps {
  db: Kysely<FleetDatabase>;
  clock: Clock;
  log: Logger;
  sessions: SessionStore;
  throttle: LoginThrottle;
  scrypt: ScryptParams;
}

export interface NewStaff {
  username: string;
  displayName?: string | undefined;
  password: string;
  roles: readonly StaffRole[];
}

const WRONG_LOGIN = 'wrong username or password';

/** Staff accounts: creation, roles, status, passwords, and login. Every change is audited. */
export class StaffService {
  #dummy: Promise<string> | undefined;

  constructor(private readonly deps: StaffServiceDeps) {}

  async list(): Promise<StaffUser[]> {
    const rows = await this.deps.db.selectFrom('staff_users').selectAll().orderBy('id').execute();
    return staffViews(this.deps.db, rows);
  }

  async get(userId: number, db: Kysely<FleetDatabase> = this.deps.db): Promise<StaffUser> {
    const row = await db
      .selectFrom('staff_users')
      .selectAll()
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!row) throw notFound(`staff user ${userId}`);
    const [view] = await staffViews(db, [row]);
    return view!;
  }

  async findIdByUsername(username: string): Promise<number | undefined> {
    const row = await this.deps.db
      .selectFrom('staff_users')
      .select('id')
      .where('username', '=', username.toLowerCase())
      .executeTakeFirst();
    return row?.id;
  }

  /** Roles of an active user, for authorization; undefined if the user is gone or disabled. */
  async activeIdentity(
    userId: number,
  ): Promise<{ username: string; roles: StaffRole[] } | undefined> {
    const row = await this.deps.db
      .selectFrom('staff_users')
      .select(['username', 'status'])
      .where('id', '=', userId)
      .executeTakeFirst();
    if (!row || row.status !== 'active') return undefined;
    const roles = await this.deps.db
      .selectFrom('staff_user_roles')
      .select('role')
      .where('user_id', '=', userId)
      .execute();
    return { username: row.username, roles: sortRoles(roles.map((r) => r.role)) };
  }

  /** `actor` null: the CLI (bootstrap of the first admin). */
  async create(input: NewStaff, actor: StaffActor | null): Promise<StaffUser> {
    policy(input.password);
    const username = input.username.toLowerCase();
    const hash = await hashPassword(input.password, this.deps.scrypt);
    const now = this.deps.clock.now();
    try {
      return await this.deps.db.transaction().execute(async (trx) => {
        const taken = await trx
          .selectFrom('staff_users')
          .select('id')
          .where('username', '=', username)
          .executeTakeFirst();
        if (taken) throw conflict(`the username "${username}" is taken`);
        const { id } = await trx
          .insertInto('staff_users')
          .values({
            username,
            display_name: input.displayName ?? username,
            password_hash: hash,
            status: 'active',
            created_at: now,
            updated_at: now,
            last_login_at: null,
          })
          .returning('id')
          .executeTakeFirstOrThrow();
        await insertRoles(trx, id, input.roles);
        await recordAudit(trx, now, {
          actor,
          action: 'staff.create',
          targetType: 'staff',
          targetId: id,
          details: { username, roles: [...input.roles] },
        });
        return this.get(id, trx);
      });
    } catch (err) {
      // Two creations of one name racing past the check above.
      if (isUniqueViolation(err)) throw conflict(`the username "${username}" is taken`);
      throw err;
    }
  }

  async setRoles(
    userId: number,
    roles: readonly StaffRole[],
    actor: StaffActor,
  ): Promise<StaffUser> {
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      const user = await this.get(userId, trx);
      if (user.roles.includes('admin') && !roles.includes('admin') && user.status === 'active') {
        await ensureAnotherAdmin(trx, userId);
      }
      await trx.deleteFrom('staff_user_roles').where('user_id', '=', userId).execute();
      await insertRoles(trx, userId, roles);
      await trx
        .updateTable('staff_users')
        .set({ updated_at: now })
        .where('id', '=', userId)
        .execute();
      await recordAudit(trx, now, {
        actor,
        action: 'staff.set-roles',
        targetType: 'staff',
        targetId: userId,
        details: { from: user.roles, to: [...roles] },
      });
      return this.get(userId, trx);
    });
  }

  /** Disabling ends the user's sessions at once. Nobody can disable themselves or the last admin. */
  async setStatus(userId: number, status: StaffStatus, actor: StaffActor): Promise<StaffUser> {
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      const user = await this.get(userId, trx);
      if (user.status === status) return user;
      if (status === 'disabled') {
        if (userId === actor.userId) throw conflict('you cannot disable your own account');
        if (user.roles.includes('admin')) await ensureAnotherAdmin(trx, userId);
        await this.deps.sessions.revokeAllFor(userId, trx);
      }
      await trx
        .updateTable('staff_users')
        .set({ status, updated_at: now })
        .where('id', '=', userId)
        .execute();
      await recordAudit(trx, now, {
        actor,
        action: status === 'disabled' ? 'staff.disable' : 'staff.enable',
        targetType: 'staff',
        targetId: userId,
      });
      return this.get(userId, trx);
    });
  }

  /** An admin sets a new password; every session of the user ends. */
  async resetPassword(
    userId: number,
    password: string,
    actor: StaffActor | null,
  ): Promise<StaffUser> {
    policy(password);
    const hash = await hashPassword(password, this.deps.scrypt);
    const now = this.deps.clock.now();
    return this.deps.db.transaction().execute(async (trx) => {
      await this.get(userId, trx);
      await trx
        .updateTable('staff_users')
        .set({ password_hash: hash, updated_at: now })
        .where('id', '=', userId)
        .execute();
      await this.deps.sessions.revokeAllFor(userId, trx);
      await recordAudit(trx, now, {
        actor,
        action: 'staff.reset-password',
        targetType: 'staff',
        targetId: userId,
      });
      return this.get(userId, trx);
    });
  }

  /**
   * A user changes their own password, proving the current one (a stolen session alone must
   * not be enough). Their other sessions end; the current one stays.
   */
  async changeOwnPassword(
    actor: StaffActor,
    sessionId: number,
    current: string,
    next: string,
  ): Promise<void> {
    policy(next);
    const key = actor.username;
    this.#throttleCheck(key);
    const row = await this.deps.db
      .selectFrom('staff_users')
      .select('password_hash')
      .where('id', '=', actor.userId)
      .executeTakeFirstOrThrow();
    if (!(await verifyPassword(current, row.password_hash))) {
      throw new FleetError('forbidden', 'the current password is wrong');
    }
    this.deps.throttle.succeed(key);
    const hash = await hashPassword(next, this.deps.scrypt);
    const now = this.deps.clock.now();
    await this.deps.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('staff_users')
        .set({ password_hash: hash, updated_at: now })
        .where('id', '=', actor.userId)
        .execute();
      await this.deps.sessions.revokeAllFor(actor.userId, trx, sessionId);
      await recordAudit(trx, now, {
        actor,
        action: 'staff.change-own-password',
        targetType: 'staff',
        targetId: actor.userId,
      });
    });
  }

  /**
   * Checks a username and password and opens a session. Every failure looks the same (401,
   * same message, same work thanks to the dummy hash) whether the user is unknown, disabled
   * or the password wrong; repeated failures per username are slowed down (429).
   */
  async login(
    rawUsername: string,
    password: string,
    meta: { userAgent?: string | undefined; remoteAddress?: string | undefined },
  ): Promise<StaffLoginResponse> {
    const username = rawUsername.trim().toLowerCase();
    this.#throttleCheck(username);
    const row = await this.deps.db
      .selectFrom('staff_users')
      .selectAll()
      .where('username', '=', username)
      .executeTakeFirst();
    this.#dummy ??= dummyHash(this.deps.scrypt);
    const matches = await verifyPassword(password, row?.password_hash ?? (await this.#dummy));
    if (!row || !matches || row.status !== 'active') {
      this.deps.log.warn({ username: username.slice(0, 63) }, 'failed staff login');
      throw new FleetError('unauthorized', WRONG_LOGIN);
    }
    this.deps.throttle.succeed(username);
    const rehash = needsRehash(row.password_hash, this.deps.scrypt)
      ? await hashPassword(password, this.deps.scrypt)
      : undefined;
    const now = this.deps.clock.now();
    const session = await this.deps.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('staff_users')
        .set({ last_login_at: now, ...(rehash ? { password_hash: rehash } : {}) })
        .where('id', '=', row.id)
        .execute();
      const created = await this.deps.sessions.create(row.id, meta, trx);
      await recordAudit(trx, now, {
        actor: { userId: row.id, username, remoteAddress: meta.remoteAddress ?? null },
        action: 'session.login',
        targetType: 'staff',
        targetId: row.id,
      });
      return created;
    });
    await this.deps.sessions.sweep();
    return {
      token: session.token,
      session: {
        expiresAt: isoTime(session.expiresAt),
        idleTimeoutSeconds: Math.round(this.deps.sessions.policy.idleTimeoutMs / 1000),
      },
      user: await this.get(row.id),
    };
  }

  /**
   * Refuses while the username is locked out, then counts this attempt as a failure before the
   * password is checked: the check and the count happen with no await between them, so a
   * burst of parallel guesses cannot all slip through the free attempts. Success clears it.
   */
  #throttleCheck(key: string): void {
    const now = this.deps.clock.now();
    const wait = this.deps.throttle.retryAfterMs(key, now);
    if (wait > 0) {
      throw new FleetError(
        'too_many_requests',
        'too many failed logins for this username; wait and try again',
        {
          retryAfterSeconds: Math.ceil(wait / 1000),
        },
      );
    }
    this.deps.throttle.fail(key, now);
  }
}

function policy(password: string): void {
  try {
    checkPasswordPolicy(password);
  } catch (err) {
    if (err instanceof WeakPasswordError) throw new FleetError('bad_request', err.message);
    throw err;
  }
}

async function insertRoles(
  db: Kysely<FleetDatabase>,
  userId: number,
  roles: readonly StaffRole[],
): Promise<void> {
  const unique = [...new Set(roles)];
  if (unique.length === 0) return;
  await db
    .insertInto('staff_user_roles')
    .values(unique.map((role) => ({ user_id: userId, role })))
    .execute();
}

/** Refuses a change that would leave no active admin: nobody could manage staff any more. */
async function ensureAnotherAdmin(db: Kysely<FleetDatabase>, exceptUserId: number): Promise<void> {
  const other = await db
    .selectFrom('staff_users as u')
    .innerJoin('staff_user_roles as r', 'r.user_id', 'u.id')
    .select('u.id')
    .where('r.role', '=', 'admin')
    .where('u.status', '=', 'active')
    .where('u.id', '!=', exceptUserId)
    .executeTakeFirst();
  if (!other) throw conflict('this would leave no active admin');
}
