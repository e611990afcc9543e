/**
 * Tables of the box link (enrollment, box keys, telemetry, song requests): Kysely types,
 * created by migration 0004_box_link. Owned by the box-link module.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface BoxLinkTables {}
