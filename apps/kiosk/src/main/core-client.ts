import {
  apiErrorCode,
  fail,
  wsServerMessage,
  type ApiResult,
  type KioskEvent,
  type KioskMethod,
  type WsClientMessage,
} from '@jukebox/protocol';
import WebSocket from 'ws';
import { backoffDelay, defaultBackoff, type BackoffOptions } from './backoff.js';

/** What the IPC bridge needs from the core: one request, one result, never a throw. */
export interface CoreRequester {
  request(method: KioskMethod, params: unknown): Promise<ApiResult<unknown>>;
}

export interface CoreClientOptions {
  backoff?: BackoffOptions;
  /** A call that has no reply by then (including time spent waiting for a connection) fails
   * with `unavailable`, so a hung core never hangs the UI. */
  requestTimeoutMs?: number;
  onEvent?: (event: KioskEvent) => void;
  onConnectionChange?: (connected: boolean) => void;
  log?: (line: string) => void;
}

interface Pending {
  message: WsClientMessage;
  /** Written to the current socket; unsent calls wait for the next connection. */
  sent: boolean;
  resolve: (result: ApiResult<unknown>) => void;
  timer: NodeJS.Timeout;
}

/**
 * WebSocket client of the core's kiosk API (`<url>/api/v1/ws`). Reconnects with backoff while
 * it has a URL; `setUrl` re-points it whenever the supervisor reports a (re)started core.
 * Every incoming message is parsed with the protocol schema; junk is logged and dropped.
 */
export class CoreClient implements CoreRequester {
  private baseUrl: string | null = null;
  private socket: WebSocket | null = null;
  private attempt = 0;
  private reconnectTimer: NodeJS.Timeout | null = null;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();

  constructor(private readonly options: CoreClientOptions = {}) {}

  get connected(): boolean {
    return this.socket?.readyState === WebSocket.OPEN;
  }

  /** Connects to the core at `baseUrl` (dropping any older connection), or disconnects on null. */
  setUrl(baseUrl: string | null): void {
    if (baseUrl === this.baseUrl && this.socket) return;
    this.baseUrl = baseUrl;
    this.attempt = 0;
    this.dropSocket();
    if (baseUrl !== null) this.connect();
  }

  /** Sends one kiosk call. Resolves with the core's result or an `unavailable` failure. */
  request(method: KioskMethod, params: unknown): Promise<ApiResult<unknown>> {
    const timeoutMs = this.options.requestTimeoutMs ?? 10_000;
    const id = this.nextId++;
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.settle(id, fail('unavailable', `the core did not answer ${method} in time`));
      }, timeoutMs);
      const entry: Pending = {
        message: { type: 'request', id, method, params },
        sent: false,
        resolve,
        timer,
      };
      this.pending.set(id, entry);
      this.send(entry);
    });
  }

  /** Closes the connection for good and fails every call in flight. */
  close(): void {
    this.baseUrl = null;
    this.dropSocket();
    for (const id of [...this.pending.keys()])
      this.settle(id, fail('unavailable', 'shutting down'));
  }

  private connect(): void {
    const base = this.baseUrl;
    if (base === null) return;
    const log = this.options.log ?? (() => {});
    // Per-message deflate stays off (DESIGN.md: control channel).
    const socket = new WebSocket(`${base.replace(/^http/, 'ws')}/api/v1/ws`, {
      perMessageDeflate: false,
    });
    this.socket = socket;
    socket.on('open', () => {
      this.attempt = 0;
      this.options.onConnectionChange?.(true);
      for (const entry of this.pending.values()) this.send(entry);
    });
    socket.on('message', (data) => this.onMessage(data.toString()));
    socket.on('error', (err) => log(`core-client: ${err.message}`));
    socket.on('close', () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.options.onConnectionChange?.(false);
      this.failSent();
      this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    if (this.baseUrl === null || this.reconnectTimer) return;
    const delay = backoffDelay(this.attempt, this.options.backoff ?? defaultBackoff);
    this.attempt += 1;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = null;
      this.connect();
    }, delay);
  }

  private onMessage(text: string): void {
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const parsed = wsServerMessage.safeParse(json);
    if (!parsed.success) {
      this.options.log?.(`core-client: dropped a malformed message: ${parsed.error.message}`);
      return;
    }
    const message = parsed.data;
    if (message.type === 'event') {
      this.options.onEvent?.(message.event);
      return;
    }
    const result = message.result;
    if (result.ok) {
      this.settle(message.id, { ok: true, value: result.value });
    } else {
      const code = apiErrorCode.safeParse(result.error.code);
      this.settle(message.id, fail(code.success ? code.data : 'internal', result.error.message));
    }
  }

  private settle(id: number, result: ApiResult<unknown>): void {
    const entry = this.pending.get(id);
    if (!entry) return;
    this.pending.delete(id);
    clearTimeout(entry.timer);
    entry.resolve(result);
  }

  private send(entry: Pending): void {
    const socket = this.socket;
    if (entry.sent || !socket || socket.readyState !== WebSocket.OPEN) return;
    entry.sent = true;
    socket.send(JSON.stringify(entry.message));
  }

  /** Fails calls written to a dropped socket: a new connection will never answer them. Calls
   * still waiting for a connection keep waiting until their timeout. */
  private failSent(): void {
    for (const [id, entry] of [...this.pending]) {
      if (entry.sent) this.settle(id, fail('unavailable', 'the core connection dropped'));
    }
  }

  private dropSocket(): void {
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    this.reconnectTimer = null;
    const socket = this.socket;
    this.socket = null;
    if (socket) {
      socket.removeAllListeners();
      socket.on('error', () => {});
      socket.terminate();
      this.options.onConnectionChange?.(false);
      this.failSent();
    }
  }
}
