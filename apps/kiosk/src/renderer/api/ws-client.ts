import {
  apiErrorCode,
  kioskMethodNames,
  kioskMethods,
  wsServerMessage,
  type ApiErrorCode,
  type ApiResult,
  type KioskApi,
  type KioskEvent,
  type KioskMethod,
  type KioskParams,
  type KioskResult,
} from '@jukebox/protocol';

/** The part of the DOM WebSocket the client uses, so tests can hand in a fake. */
export interface WebSocketLike {
  readonly readyState: number;
  onopen: ((ev: Event) => void) | null;
  onclose: ((ev: CloseEvent) => void) | null;
  onerror: ((ev: Event) => void) | null;
  onmessage: ((ev: MessageEvent) => void) | null;
  send(data: string): void;
  close(): void;
}

/** `open`: calls go out; `connecting`: calls wait for the socket; `offline`: calls fail. */
export type ConnectionStatus = 'connecting' | 'open' | 'offline';

export interface WsClientOptions {
  /** Full ws:// or wss:// URL of the core's `/api/v1/ws`. */
  url: string;
  /** Defaults to the browser's WebSocket. */
  createSocket?: (url: string) => WebSocketLike;
  /** First reconnect delay; doubles on each failed attempt up to `maxBackoffMs`. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A call with no reply after this long fails with `unavailable`. */
  requestTimeoutMs?: number;
  /** Prefix of cover URLs; the browser shell serves covers under `/media/covers/`. */
  coverBaseUrl?: string;
  /** Prefix of preview URLs; the core streams retail previews under `/media/previews/`. */
  previewBaseUrl?: string;
}

/** A KioskApi over WebSocket, plus what only the browser transport has. */
export type WsKioskApi = KioskApi & {
  connectionStatus(): ConnectionStatus;
  /** Listen for connection changes (for an "offline" banner); returns the unsubscribe. */
  onConnectionChange(listener: (status: ConnectionStatus) => void): () => void;
  /** Close the socket for good and fail whatever is pending. */
  dispose(): void;
};

type Untyped = ApiResult<unknown>;

interface Pending {
  method: KioskMethod;
  resolve: (result: Untyped) => void;
  timer: ReturnType<typeof setTimeout>;
}

const OPEN = 1;

function failure(code: ApiErrorCode, message: string, missingCredits?: number): Untyped {
  // The insert-money prompt needs the shortfall; dropping it would leave the patron guessing.
  const details = missingCredits === undefined ? {} : { missingCredits };
  return { ok: false, error: { code, message, ...details } };
}

/**
 * Connect to the core over WebSocket and expose it as a KioskApi. Every reply is parsed with
 * the method's result schema; nothing the server sends can make a call throw.
 */
export function createWsKioskApi(options: WsClientOptions): WsKioskApi {
  const createSocket = options.createSocket ?? ((url: string): WebSocketLike => new WebSocket(url));
  const initialBackoffMs = options.initialBackoffMs ?? 500;
  const maxBackoffMs = options.maxBackoffMs ?? 10_000;
  const requestTimeoutMs = options.requestTimeoutMs ?? 15_000;
  const coverBaseUrl = options.coverBaseUrl ?? '/media/covers/';
  const previewBaseUrl = options.previewBaseUrl ?? '/media/previews/';

  const eventListeners = new Set<(event: KioskEvent) => void>();
  const statusListeners = new Set<(status: ConnectionStatus) => void>();
  const pending = new Map<number, Pending>();
  /** Requests made while the socket was still connecting; sent on open. */
  let outbox: string[] = [];
  let nextId = 1;
  let socket: WebSocketLike | null = null;
  let status: ConnectionStatus = 'connecting';
  let backoffMs = initialBackoffMs;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let hasBeenOpen = false;
  let disposed = false;

  function setStatus(next: ConnectionStatus): void {
    if (next === status) return;
    status = next;
    for (const listener of statusListeners) listener(next);
  }

  function emit(event: KioskEvent): void {
    for (const listener of eventListeners) {
      // One faulty listener must not starve the others or kill the socket handler.
      try {
        listener(event);
      } catch (err) {
        console.error('kiosk event listener failed', err);
      }
    }
  }

  function settle(id: number, result: Untyped): void {
    const entry = pending.get(id);
    if (!entry) return;
    pending.delete(id);
    clearTimeout(entry.timer);
    entry.resolve(result);
  }

  function failAll(message: string): void {
    outbox = [];
    for (const id of [...pending.keys()]) settle(id, failure('unavailable', message));
  }

  function handleResponse(id: number, result: unknown): void {
    const entry = pending.get(id);
    if (!entry) return;
    const envelope = wsServerMessage.safeParse({ type: 'response', id, result });
    if (!envelope.success || envelope.data.type !== 'response') {
      settle(id, failure('internal', `Malformed reply to ${entry.method}`));
      return;
    }
    const reply = envelope.data.result;
    if (!reply.ok) {
      const code = apiErrorCode.safeParse(reply.error.code);
      settle(
        id,
        failure(
          code.success ? code.data : 'internal',
          reply.error.message,
          reply.error.missingCredits,
        ),
      );
      return;
    }
    const parsed = kioskMethods[entry.method].result.safeParse(reply.value);
    settle(
      id,
      parsed.success
        ? { ok: true, value: parsed.data }
        : failure('internal', `Malformed ${entry.method} result from the core`),
    );
  }

  function handleMessage(data: unknown): void {
    if (typeof data !== 'string') return;
    let raw: unknown;
    try {
      raw = JSON.parse(data);
    } catch {
      console.warn('kiosk ws: ignoring a message that is not JSON');
      return;
    }
    if (typeof raw !== 'object' || raw === null) return;
    const message = raw as { type?: unknown; id?: unknown; result?: unknown };
    // Answer a reply we can attribute even when its body is malformed, so the caller is not
    // left waiting for the timeout.
    if (message.type === 'response' && typeof message.id === 'number') {
      handleResponse(message.id, message.result);
      return;
    }
    const parsed = wsServerMessage.safeParse(raw);
    if (parsed.success && parsed.data.type === 'event') emit(parsed.data.event);
    else console.warn('kiosk ws: ignoring a malformed message');
  }

  async function refreshState(): Promise<void> {
    const result = await call('getState', {});
    if (result.ok) emit({ type: 'state', state: result.value });
  }

  function connect(): void {
    reconnectTimer = null;
    setStatus('connecting');
    const ws = createSocket(options.url);
    socket = ws;
    ws.onopen = () => {
      if (socket !== ws) return;
      backoffMs = initialBackoffMs;
      setStatus('open');
      const queued = outbox;
      outbox = [];
      for (const frame of queued) ws.send(frame);
      // Events pushed while we were away are lost; a fresh snapshot brings the UI back in line.
      if (hasBeenOpen) void refreshState();
      hasBeenOpen = true;
    };
    ws.onmessage = (ev) => {
      if (socket === ws) handleMessage(ev.data);
    };
    ws.onerror = () => {
      // A close event always follows; reconnecting is handled there.
    };
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      failAll('The connection to the jukebox was lost');
      if (disposed) return;
      setStatus('offline');
      reconnectTimer = setTimeout(connect, backoffMs);
      backoffMs = Math.min(backoffMs * 2, maxBackoffMs);
    };
  }

  function call<M extends KioskMethod>(
    method: M,
    params: KioskParams<M>,
  ): Promise<ApiResult<KioskResult<M>>> {
    return new Promise<Untyped>((resolve) => {
      if (disposed || status === 'offline' || !socket) {
        resolve(failure('unavailable', 'The jukebox is not connected'));
        return;
      }
      const id = nextId++;
      const timer = setTimeout(
        () => settle(id, failure('unavailable', `No reply to ${method}`)),
        requestTimeoutMs,
      );
      pending.set(id, { method, resolve, timer });
      const frame = JSON.stringify({ type: 'request', id, method, params });
      if (socket.readyState === OPEN) socket.send(frame);
      else outbox.push(frame);
      // The value was parsed with kioskMethods[method].result, so it has this method's type.
    }) as Promise<ApiResult<KioskResult<M>>>;
  }

  const methods = Object.fromEntries(
    kioskMethodNames.map((method) => [method, (params: unknown) => call(method, params as never)]),
    // Built from the same name list the KioskApi type is mapped over.
  ) as unknown as Pick<KioskApi, KioskMethod>;

  connect();

  return {
    ...methods,
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    coverUrl: (coverId) => `${coverBaseUrl}${encodeURIComponent(coverId)}`,
    previewUrl: (trackId) => `${previewBaseUrl}${encodeURIComponent(String(trackId))}`,
    connectionStatus: () => status,
    onConnectionChange(listener) {
      statusListeners.add(listener);
      return () => statusListeners.delete(listener);
    },
    dispose() {
      disposed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      const ws = socket;
      socket = null;
      failAll('The kiosk API was closed');
      setStatus('offline');
      ws?.close();
    },
  };
}
