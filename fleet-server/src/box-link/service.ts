import type { Kysely } from 'kysely';
import type { Clock } from '../clock.js';
import type { FleetConfig } from '../config.js';
import type { FleetDatabase } from '../db/schema.js';
import type { Logger } from '../logger.js';

export interface BoxLinkDeps {
  config: FleetConfig;
  db: Kysely<FleetDatabase>;
  clock: Clock;
  log: Logger;
}

/** The box link: enrollment, box authentication, the control channel, telemetry. */
export class BoxLinkService {
  constructor(readonly deps: BoxLinkDeps) {}
}
