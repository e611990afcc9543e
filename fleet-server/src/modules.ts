import { auditModule } from './audit/http.js';
import { boxLinkModule } from './box-link/http.js';
import { boxesModule } from './boxes/http.js';
import { contentModule } from './content/http.js';
import type { FleetModule } from './context.js';
import { fleetRoutesModule } from './fleet-routes/http.js';
import { healthModule } from './health.js';
import { openApiModule } from './openapi.js';
import { retailModule } from './retail/http.js';
import { staffModule } from './staff/http.js';

/**
 * The server's features, registered in this order. A new feature (enrollment, catalog,
 * manifests, the box channel, telemetry) is one FleetModule appended here; its tables are a
 * migration appended to db/migrations/index.ts. The robustness test picks its routes up from
 * /openapi.json by itself.
 */
export const fleetModules: readonly FleetModule[] = [
  healthModule,
  openApiModule,
  staffModule,
  fleetRoutesModule,
  boxesModule,
  auditModule,
  boxLinkModule,
  contentModule,
  retailModule,
];
