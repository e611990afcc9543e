import type { FleetModule } from '../context.js';
import { registerBoxRoutes } from './box-http.js';
import { registerStaffRoutes } from './staff-http.js';

/**
 * The box link's routes: the box-facing endpoints (enrollment, control channel, telemetry
 * upload) and the staff endpoints (enrollment codes, revocation, link status, reports), its
 * metrics, and the control channel's sweep for as long as the server runs.
 */
export const boxLinkModule: FleetModule = {
  name: 'box-link',
  register(app, ctx) {
    // Box routes first: the WebSocket route declares the box-signature security scheme.
    registerBoxRoutes(app, ctx);
    registerStaffRoutes(app, ctx);
    ctx.link.metrics.registerWith(ctx.metrics.registry);
    ctx.link.channel.start();
    app.addHook('onClose', async () => ctx.link.channel.stop());
  },
};
