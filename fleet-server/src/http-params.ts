import { z } from 'zod';

/**
 * A positive integer id in a path (`/staff/:userId`). Path parameters arrive as text, so it is
 * coerced; written without a pipe so the OpenAPI document says "integer, > 0" rather than
 * just "number".
 */
export const idParam = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
