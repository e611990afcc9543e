import type { ApiResult, KioskMethod, KioskParams, KioskResult } from '@jukebox/protocol';
import { useEffect, useState } from 'react';
import { errorText } from '../api/error-text.js';
import { useKioskApi } from '../app/stores-context.js';

export type Loadable<T> =
  { status: 'loading' } | { status: 'ok'; value: T } | { status: 'error'; message: string };

type Call<M extends KioskMethod> = (params: KioskParams<M>) => Promise<ApiResult<KioskResult<M>>>;

/**
 * Call one API method and follow its result. Params are compared by value (as JSON), so a
 * literal object per render does not refetch; a reply for params no longer shown is dropped.
 */
export function useApi<M extends KioskMethod>(
  method: M,
  params: KioskParams<M>,
): Loadable<KioskResult<M>> {
  const api = useKioskApi();
  const key = JSON.stringify(params);
  const [done, setDone] = useState<{ key: string; result: Loadable<KioskResult<M>> } | null>(null);

  useEffect(() => {
    let live = true;
    // Indexing the API by a generic method name loses the correlation TS cannot express.
    const call = api[method] as unknown as Call<M>;
    void call(JSON.parse(key) as KioskParams<M>).then((result) => {
      if (!live) return;
      setDone({
        key: `${method}:${key}`,
        result: result.ok
          ? { status: 'ok', value: result.value }
          : { status: 'error', message: errorText(result.error) },
      });
    });
    return () => {
      live = false;
    };
  }, [api, method, key]);

  return done && done.key === `${method}:${key}` ? done.result : { status: 'loading' };
}
