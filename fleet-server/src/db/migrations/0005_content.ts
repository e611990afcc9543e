import type { Migration } from 'kysely';

/** Content tables (see content/schema.ts). */
export const migration0005Content: Migration = {
  async up() {},
};
