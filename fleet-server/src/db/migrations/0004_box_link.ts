import type { Migration } from 'kysely';

/** Box link tables (see box-link/schema.ts). */
export const migration0004BoxLink: Migration = {
  async up() {},
};
