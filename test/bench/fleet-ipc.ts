import type { ChildProcess } from 'node:child_process';

/*
 * Requests and replies between the fleet-boxes benchmark and its child processes (the server,
 * the reference server, the clients) over Node's IPC channel. Every message has a `type`; a
 * reply names the request's type with `:done` (or `:failed` and a message).
 */

export interface IpcMessage {
  type: string;
  [key: string]: unknown;
}

/** Sends `message` to the child and waits for its reply. */
export function ask<T extends object = Record<string, unknown>>(
  child: ChildProcess,
  message: IpcMessage,
  timeoutMs = 300_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (reply: IpcMessage) => {
      if (reply.type === `${message.type}:done`) {
        done();
        resolve(reply as unknown as T);
      } else if (reply.type === `${message.type}:failed`) {
        done();
        reject(new Error(`${message.type} failed in the child: ${String(reply.message)}`));
      }
    };
    const onExit = (code: number | null) => {
      done();
      reject(new Error(`the child exited (${code}) during ${message.type}`));
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`no reply to ${message.type} within ${timeoutMs} ms`));
    }, timeoutMs);
    const done = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
    child.send(message);
  });
}

/** In a child: answers each request with what `handle` returns (or its failure). */
export function serveRequests(
  handle: (message: IpcMessage) => Promise<Record<string, unknown>>,
): void {
  process.on('message', (message: IpcMessage) => {
    handle(message).then(
      (reply) => process.send?.({ ...reply, type: `${message.type}:done` }),
      (err: unknown) =>
        process.send?.({ type: `${message.type}:failed`, message: (err as Error).message }),
    );
  });
  // The parent going away (even killed) ends the child: it must never outlive the benchmark.
  process.on('disconnect', () => process.exit(0));
}

/** Wall-clock time in ms with sub-millisecond resolution, comparable between processes. */
export const epochMs = (): number => performance.timeOrigin + performance.now();

/** Waits for a child's `{ type: 'ready', … }` (sent once it listens for requests). */
export function waitForReady<T extends object = Record<string, unknown>>(
  child: ChildProcess,
  timeoutMs = 120_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the child never said ready')), timeoutMs);
    const onExit = (code: number | null) => {
      clearTimeout(timer);
      reject(new Error(`the child exited (${code}) before it was ready`));
    };
    child.once('exit', onExit);
    const onMessage = (m: IpcMessage) => {
      if (m.type !== 'ready') return;
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(m as unknown as T);
    };
    child.on('message', onMessage);
  });
}
