import type { FleetModule } from '../context.js';

/** Catalog, content sets, manifests and blobs (filled by the content work). */
export const contentModule: FleetModule = {
  name: 'content',
  register() {},
};
