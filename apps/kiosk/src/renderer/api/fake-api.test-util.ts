import type { ApiResult, KioskApi, KioskEvent, KioskMethod, KioskResult } from '@jukebox/protocol';

type Handler<M extends KioskMethod> = (params: unknown) => Promise<ApiResult<KioskResult<M>>>;

/** A KioskApi for store and screen tests: set handlers per method, push events by hand. */
export class FakeApi {
  readonly calls: Array<{ method: KioskMethod; params: unknown }> = [];
  private readonly listeners = new Set<(event: KioskEvent) => void>();
  private readonly handlers = new Map<KioskMethod, Handler<KioskMethod>>();

  handle<M extends KioskMethod>(method: M, handler: Handler<M>): this {
    this.handlers.set(method, handler as unknown as Handler<KioskMethod>);
    return this;
  }

  emit(event: KioskEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  get listenerCount(): number {
    return this.listeners.size;
  }

  readonly api: KioskApi = new Proxy({} as KioskApi, {
    get: (_target, prop) => {
      if (prop === 'onEvent') {
        return (listener: (event: KioskEvent) => void) => {
          this.listeners.add(listener);
          return () => this.listeners.delete(listener);
        };
      }
      if (prop === 'coverUrl') return (id: string) => `/media/covers/${id}`;
      if (prop === 'previewUrl') return (id: number) => `/media/previews/${id}`;
      const method = prop as KioskMethod;
      return (params: unknown) => {
        this.calls.push({ method, params });
        const handler = this.handlers.get(method);
        if (!handler) {
          return Promise.resolve({
            ok: false,
            error: { code: 'unavailable', message: `no fake for ${String(prop)}` },
          });
        }
        return handler(params);
      };
    },
  });
}

/** A promise with its resolve exposed, to deliver replies in a chosen order. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}
