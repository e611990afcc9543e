import type { Kysely } from 'kysely';
import { StaffAuth } from './auth/staff-auth.js';
import { BoxLinkService } from './box-link/service.js';
import { BoxService } from './boxes/service.js';
import { ContentService } from './content/service.js';
import type { Clock } from './clock.js';
import type { FleetConfig } from './config.js';
import type { FleetContext } from './context.js';
import type { FleetDatabase } from './db/schema.js';
import { FleetRouteService } from './fleet-routes/service.js';
import type { Logger } from './logger.js';
import { createMetrics } from './metrics.js';
import { LoginThrottle } from './staff/login-throttle.js';
import { StaffService } from './staff/service.js';
import { SessionStore } from './staff/sessions.js';

/**
 * Wires the services over an open, migrated database. The HTTP server and the CLI's admin
 * commands share it, so both apply the same rules (password policy, audit, last-admin guard).
 */
export function createFleetContext(
  config: FleetConfig,
  db: Kysely<FleetDatabase>,
  clock: Clock,
  log: Logger,
): FleetContext {
  const sessions = new SessionStore(db, clock, {
    lifetimeMs: config.sessions.lifetimeSeconds * 1000,
    idleTimeoutMs: config.sessions.idleTimeoutSeconds * 1000,
  });
  const throttle = new LoginThrottle({
    freeAttempts: config.loginThrottle.freeAttempts,
    maxLockMs: config.loginThrottle.maxLockSeconds * 1000,
  });
  const staff = new StaffService({
    db,
    clock,
    log,
    sessions,
    throttle,
    scrypt: { logN: config.passwords.scryptLogN, r: 8, p: 1 },
  });
  const link = new BoxLinkService({ config, db, clock, log });
  const content = new ContentService({ config, db, clock, log, link });
  return {
    config,
    db,
    clock,
    log,
    link,
    content,
    metrics: createMetrics(),
    sessions,
    staff,
    auth: new StaffAuth(sessions, staff),
    routes: new FleetRouteService(db, clock),
    boxes: new BoxService(db, clock, () => content.manifests.kick()),
  };
}
