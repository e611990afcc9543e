import type { FleetModule } from '../context.js';

/** Enrollment, box-authenticated routes and the control channel (filled by the box-link work). */
export const boxLinkModule: FleetModule = {
  name: 'box-link',
  register() {},
};
