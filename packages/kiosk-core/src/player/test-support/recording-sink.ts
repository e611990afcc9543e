import type { AudioSink } from '@jukebox/firmware-hal/audio';

/** Runs before a write resolves: can pause (await), change the player, or throw to fail it. */
export type WriteHook = (index: number, chunk: Buffer) => Promise<void> | void;

/**
 * An in-memory sink for tests: keeps every byte written, in order, and lets a test act at a
 * precise write (pause the "device", change volume, kill a decoder, fail the sink).
 */
export class RecordingSink implements AudioSink {
  readonly kind = 'null' as const;
  readonly description = 'recording test sink';
  framesWritten = 0;
  closed = false;
  readonly chunks: Buffer[] = [];
  private errorListener: ((err: Error) => void) | null = null;

  constructor(private readonly hook: WriteHook = () => {}) {}

  async write(chunk: Buffer): Promise<void> {
    if (this.closed) throw new Error('write after close');
    if (chunk.length % 4 !== 0)
      throw new Error(`chunk of ${chunk.length} bytes is not whole frames`);
    const index = this.chunks.length;
    this.chunks.push(Buffer.from(chunk));
    await this.hook(index, chunk);
    this.framesWritten += chunk.length / 4;
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  onError(listener: (err: Error) => void): void {
    this.errorListener = listener;
  }

  /** Simulates the device going away. */
  fail(err: Error): void {
    this.errorListener?.(err);
  }

  /** Everything written so far as one buffer. */
  get pcm(): Buffer {
    return Buffer.concat(this.chunks);
  }
}
