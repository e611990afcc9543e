import type { Kysely } from 'kysely';
import type { BoxLinkService } from '../box-link/service.js';
import type { Clock } from '../clock.js';
import type { FleetConfig } from '../config.js';
import type { FleetDatabase } from '../db/schema.js';
import type { Logger } from '../logger.js';

export interface ContentDeps {
  config: FleetConfig;
  db: Kysely<FleetDatabase>;
  clock: Clock;
  log: Logger;
  link: BoxLinkService;
}

/** The content side: catalog ingest, blob store, content sets, signed per-box manifests. */
export class ContentService {
  constructor(readonly deps: ContentDeps) {}
}
