import type { WebSocketLike } from './ws-client.js';

/** An in-memory WebSocket the tests drive by hand: open, receive, drop. */
export class FakeSocket implements WebSocketLike {
  readyState = 0;
  onopen: ((ev: Event) => void) | null = null;
  onclose: ((ev: CloseEvent) => void) | null = null;
  onerror: ((ev: Event) => void) | null = null;
  onmessage: ((ev: MessageEvent) => void) | null = null;
  readonly sent: Array<{ type: string; id: number; method: string; params: unknown }> = [];

  constructor(readonly url: string) {}

  send(data: string): void {
    if (this.readyState !== 1) throw new Error('send on a socket that is not open');
    this.sent.push(JSON.parse(data) as FakeSocket['sent'][number]);
  }

  close(): void {
    this.drop();
  }

  open(): void {
    this.readyState = 1;
    this.onopen?.(new Event('open'));
  }

  receive(message: unknown): void {
    const data = typeof message === 'string' ? message : JSON.stringify(message);
    this.onmessage?.(new MessageEvent('message', { data }));
  }

  reply(id: number, result: unknown): void {
    this.receive({ type: 'response', id, result });
  }

  drop(): void {
    if (this.readyState === 3) return;
    this.readyState = 3;
    // Node 20 has no CloseEvent global; the client reads nothing from the event.
    this.onclose?.(new Event('close') as CloseEvent);
  }
}
