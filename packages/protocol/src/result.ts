import { z } from 'zod';

/** Error codes a kiosk API call can return. Stable strings: the UI maps them to messages. */
export const apiErrorCode = z.enum([
  'bad_request',
  'not_found',
  'unavailable',
  'insufficient_credits',
  'queue_full',
  'internal',
]);
export type ApiErrorCode = z.infer<typeof apiErrorCode>;

export const apiError = z.object({
  code: apiErrorCode,
  message: z.string(),
  /** With `insufficient_credits`: how many more credits the pick needs. */
  missingCredits: z.number().int().positive().optional(),
});
export type ApiError = z.infer<typeof apiError>;

/** Every call returns a result, never a thrown surprise (STYLE.md item 5). */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export function ok<T>(value: T): ApiResult<T> {
  return { ok: true, value };
}

export function fail(
  code: ApiErrorCode,
  message: string,
  details: Pick<ApiError, 'missingCredits'> = {},
): ApiResult<never> {
  return { ok: false, error: { code, message, ...details } };
}

/** Schema for a result carrying `value`. */
export function apiResult<T extends z.ZodType>(value: T) {
  return z.discriminatedUnion('ok', [
    z.object({ ok: z.literal(true), value }),
    z.object({ ok: z.literal(false), error: apiError }),
  ]);
}
