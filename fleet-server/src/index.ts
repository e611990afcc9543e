export { buildServer, type BuildServerOptions, type FleetServer } from './app.js';
export {
  loadConfig,
  ConfigError,
  fleetConfigFile,
  type FleetConfig,
  type FleetConfigFile,
} from './config.js';
export type { FleetApp, FleetContext, FleetModule } from './context.js';
export type { FleetDatabase } from './db/schema.js';
export { fleetMigrations } from './db/migrations/index.js';
export { FleetError, errorResponses, type FleetErrorCode } from './errors.js';
export {
  publicRoute,
  StaffAuth,
  staffOf,
  type AuthenticatedStaff,
  type RouteGuard,
} from './auth/staff-auth.js';
export { fleetScope, type FleetScope, type Viewer } from './auth/scope.js';
export { recordAudit, type AuditEvent, type StaffActor } from './audit/log.js';
export { newBoxId, BoxService, type NewBox } from './boxes/service.js';
export { systemClock, isoTime, type Clock } from './clock.js';
export type { FleetMetrics } from './metrics.js';
