/**
 * Tables of the content side (catalog, blobs, content sets, assignments, manifests): Kysely
 * types, created by migration 0005_content. Owned by the content module.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface ContentTables {}
