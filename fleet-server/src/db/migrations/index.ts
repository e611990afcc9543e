import type { MigrationSet } from '@jukebox/db';
import { migration0001Staff } from './0001_staff.js';
import { migration0002RoutesAndBoxes } from './0002_routes_and_boxes.js';
import { migration0003AuditLog } from './0003_audit_log.js';
import { migration0004BoxLink } from './0004_box_link.js';
import { migration0005Content } from './0005_content.js';
import { migration0006Retail } from './0006_retail.js';
import { migration0007WithoutRowid } from './0007_without_rowid.js';

/**
 * Every migration of the fleet database, by name. Append new ones with the next number
 * (one file each); never edit or rename a released one (STYLE.md item 7).
 */
export const fleetMigrations: MigrationSet = {
  '0001_staff': migration0001Staff,
  '0002_routes_and_boxes': migration0002RoutesAndBoxes,
  '0003_audit_log': migration0003AuditLog,
  '0004_box_link': migration0004BoxLink,
  '0005_content': migration0005Content,
  '0006_retail': migration0006Retail,
  '0007_without_rowid': migration0007WithoutRowid,
};
