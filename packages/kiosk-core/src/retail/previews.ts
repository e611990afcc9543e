import { mkdir, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { runFfmpeg, type MediaTools } from '@jukebox/media';

/** A preview is cut from this far into the track (a third in, at most a minute). */
function previewStartSeconds(durationMs: number, lengthSeconds: number): number {
  const seconds = durationMs / 1000;
  if (seconds <= lengthSeconds + 5) return 0;
  return Math.min(60, Math.max(0, Math.floor(seconds / 3)), Math.floor(seconds - lengthSeconds));
}

export interface PreviewSource {
  /** File path or loopback URL ffmpeg reads the track from. */
  input: string;
  durationMs: number;
}

/**
 * Browsing previews for the retail terminal: a short mono Opus clip at 24 kbit/s with fades,
 * good enough to recognise a song and poor enough not to replace the disc. Made from the
 * library track on first request and kept in `<dataDir>/previews` (temp file, then rename), so
 * the same preview is cut once. Concurrent requests for one track share one ffmpeg run.
 */
export class PreviewCache {
  private readonly running = new Map<number, Promise<string>>();

  constructor(
    private readonly dir: string,
    private readonly lengthSeconds: number,
    private readonly tools: MediaTools,
  ) {}

  /** The preview file of a track, cut now if it is not cached. */
  async file(trackId: number, source: () => PreviewSource | null): Promise<string | null> {
    const target = path.join(this.dir, `${trackId}-${this.lengthSeconds}s.ogg`);
    if (await exists(target)) return target;
    const pending = this.running.get(trackId);
    if (pending) return pending;
    const src = source();
    if (src === null) return null;
    const job = this.cut(src, target).finally(() => this.running.delete(trackId));
    this.running.set(trackId, job);
    return job;
  }

  private async cut(src: PreviewSource, target: string): Promise<string> {
    await mkdir(this.dir, { recursive: true });
    const start = previewStartSeconds(src.durationMs, this.lengthSeconds);
    const length = Math.min(this.lengthSeconds, Math.max(1, src.durationMs / 1000 - start));
    const fadeOut = Math.max(0, length - 2);
    const temp = `${target}.${process.pid}.${Date.now()}.tmp`;
    try {
      await runFfmpeg(
        [
          '-v',
          'error',
          '-nostdin',
          '-y',
          '-ss',
          String(start),
          '-t',
          length.toFixed(2),
          '-i',
          src.input,
          '-vn',
          '-ac',
          '1',
          '-ar',
          '24000',
          '-af',
          `afade=t=in:d=1,afade=t=out:st=${fadeOut.toFixed(2)}:d=2`,
          '-c:a',
          'libopus',
          '-b:a',
          '24k',
          '-f',
          'ogg',
          temp,
        ],
        { tools: this.tools },
      );
      await rename(temp, target);
      return target;
    } catch (err) {
      await rm(temp, { force: true });
      throw err;
    }
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    return (await stat(file)).size > 0;
  } catch {
    return false;
  }
}
