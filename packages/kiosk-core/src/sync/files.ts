import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

/**
 * Writes a small file so that a crash leaves the old content or the new, never a torn one:
 * a temporary file in the same folder, fsynced, renamed over the target, and the folder
 * fsynced so the rename itself is durable.
 */
export function writeFileAtomic(file: string, content: string | Uint8Array, mode = 0o600): void {
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = openSync(tmp, 'w', mode);
  try {
    writeSync(fd, typeof content === 'string' ? Buffer.from(content) : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

/** fsync of a directory: makes renames and unlinks in it durable. */
export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** `fsyncDir` off the event loop (a directory fsync can wait on the disk for a while). */
export async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Appends buffers to an open file in the order they were pushed, without making the pusher
 * wait: one `writev` at a time, with everything pushed meanwhile coalesced into the next. A
 * network download hands each received chunk over at once and keeps reading, so the file
 * always holds a prefix of what arrived, and `drain()` writes out the rest when the
 * connection ends, however it ended.
 */
export class FileAppender {
  #queue: Buffer[] = [];
  #done: (() => void)[] = [];
  #queued = 0;
  #busy = false;
  #failure: Error | null = null;
  #waiting: (() => void)[] = [];
  /** Bytes on the file (appended by this appender). */
  written = 0;

  /** @param file an open handle, appending (opened with 'a', or with 'w' at offset 0) */
  constructor(private readonly file: FileHandle) {}

  /** Bytes pushed and not yet on the file. */
  get queued(): number {
    return this.#queued;
  }

  /** The write that failed, if one did (what is pushed after it is dropped). */
  get failure(): Error | null {
    return this.#failure;
  }

  /**
   * Queues `chunk` for the file. `done` is called once the appender is finished with the
   * chunk's memory (written, or dropped after a failed write): a lent buffer can go back.
   */
  push(chunk: Buffer, done?: () => void): void {
    if (this.#failure !== null || chunk.length === 0) {
      done?.();
      return;
    }
    this.#queue.push(chunk);
    if (done) this.#done.push(done);
    this.#queued += chunk.length;
    this.#flush();
  }

  /** Resolves once everything pushed is on the file; rejects with the write error if any. */
  drain(): Promise<void> {
    if (!this.#busy || this.#failure !== null) {
      return this.#failure ? Promise.reject(this.#failure) : Promise.resolve();
    }
    return new Promise<void>((resolve, reject) =>
      this.#waiting.push(() => (this.#failure ? reject(this.#failure) : resolve())),
    );
  }

  #flush(): void {
    if (this.#busy || this.#failure !== null) return;
    if (this.#queue.length === 0) {
      for (const wake of this.#waiting.splice(0)) wake();
      return;
    }
    const batch = this.#queue;
    const done = this.#done;
    const bytes = this.#queued;
    this.#queue = [];
    this.#done = [];
    this.#queued = 0;
    this.#busy = true;
    this.file.writev(batch).then(
      ({ bytesWritten }) => {
        this.#busy = false;
        this.written += bytesWritten;
        for (const d of done) d();
        if (bytesWritten !== bytes) {
          this.#fail(new Error(`short write: ${bytesWritten} of ${bytes} bytes (disk full?)`));
        } else {
          this.#flush();
        }
      },
      (err: unknown) => {
        this.#busy = false;
        for (const d of done) d();
        this.#fail(err as Error);
      },
    );
  }

  #fail(err: Error): void {
    this.#failure = err;
    const dropped = this.#done;
    this.#queue = [];
    this.#done = [];
    this.#queued = 0;
    for (const d of dropped) d();
    for (const wake of this.#waiting.splice(0)) wake();
  }
}
