import type { FleetModule } from '../context.js';
import { registerBoxContentRoutes } from './box-http.js';
import { registerCatalogRoutes } from './catalog/http.js';
import { registerSetRoutes } from './sets/http.js';

/**
 * Catalog, graphics, content sets, manifests and blobs: the staff routes, the box routes, and
 * the manifest job (started here, stopped before the database closes).
 */
export const contentModule: FleetModule = {
  name: 'content',
  async register(app, ctx) {
    await registerCatalogRoutes(app, ctx);
    registerSetRoutes(app, ctx);
    registerBoxContentRoutes(app, ctx);
    ctx.content.start();
    // preClose, not onClose: the app's onClose hook that closes the database runs before the
    // onClose hooks of modules, and a manifest run in progress must finish while it is open.
    app.addHook('preClose', () => ctx.content.stop());
  },
};
