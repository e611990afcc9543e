import {
  fail,
  isKioskMethod,
  kioskMethods,
  type ApiResult,
  type KioskMethod,
  type KioskParsedParams,
  type KioskResult,
} from '@jukebox/protocol';
import type { Logger } from '../log.js';

/** One implementation per kiosk method, receiving params already parsed by its schema. */
export type KioskHandlers = {
  [M in KioskMethod]: (
    params: KioskParsedParams<M>,
  ) => ApiResult<KioskResult<M>> | Promise<ApiResult<KioskResult<M>>>;
};

type AnyHandler = (params: unknown) => ApiResult<unknown> | Promise<ApiResult<unknown>>;

/**
 * The single entry point of the kiosk API for every transport: unknown methods and malformed
 * params are refused with a clear `bad_request` and reach no handler; a handler that throws
 * becomes `internal` (logged), never a crash of the connection.
 */
export async function dispatch(
  handlers: KioskHandlers,
  method: string,
  rawParams: unknown,
  log: Logger,
): Promise<ApiResult<unknown>> {
  if (!isKioskMethod(method)) return fail('bad_request', `unknown method: ${method.slice(0, 80)}`);
  const parsed = kioskMethods[method].params.safeParse(rawParams ?? {});
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((i) => `${i.path.join('.') || 'params'}: ${i.message}`)
      .join('; ');
    return fail('bad_request', `invalid params for ${method}: ${detail}`);
  }
  try {
    return await (handlers[method] as AnyHandler)(parsed.data);
  } catch (err) {
    log.error({ err, method }, 'kiosk API handler failed');
    return fail('internal', `${method} failed: ${(err as Error).message}`);
  }
}
