import type { FleetModule } from '../context.js';
import { registerPublicOrderRoutes } from './public-http.js';
import { registerStaffOrderRoutes } from './staff-http.js';

/**
 * Retail orders taken up from the terminals (derived from telemetry in retail/derive.ts):
 * the public tracking page and its JSON, and the staff views.
 */
export const retailModule: FleetModule = {
  name: 'retail',
  register(app, ctx) {
    registerPublicOrderRoutes(app, ctx);
    registerStaffOrderRoutes(app, ctx);
  },
};
