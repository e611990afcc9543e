import type { FfmpegProgress } from './types.js';
import { STDERR_TAIL_LINES } from './errors.js';

// Keys ffmpeg writes with `-progress`. Anything else on stderr is log text and is kept.
const PROGRESS_KEY =
  /^(frame|fps|bitrate|total_size|out_time_us|out_time_ms|out_time|dup_frames|drop_frames|speed|progress|stream_\d+_\d+_q)=/;

export interface StderrCollectorOptions {
  /** Keep every log line (for parsers such as the ebur128 summary), not only the tail. */
  keepAll: boolean;
  durationMs?: number;
  onProgress?: (progress: FfmpegProgress) => void;
}

/**
 * Splits ffmpeg's stderr into log lines and `-progress` blocks. Progress goes to the
 * callback; log lines go to a bounded tail (for errors) and optionally to a full transcript,
 * so progress reporting never pushes the real error text out of the tail.
 */
export class StderrCollector {
  private partial = '';
  private readonly tail: string[] = [];
  private readonly all: string[] = [];
  private outTimeUs: number | null = null;
  private speed: number | null = null;

  constructor(private readonly opts: StderrCollectorOptions) {}

  push(chunk: string): void {
    const text = this.partial + chunk;
    // ffmpeg ends its stats line with \r; both count as line ends.
    const lines = text.split(/\r\n|\n|\r/);
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.line(line);
  }

  end(): void {
    if (this.partial !== '') this.line(this.partial);
    this.partial = '';
  }

  get tailText(): string {
    return this.tail.join('\n');
  }

  get fullText(): string {
    return this.all.join('\n');
  }

  private line(line: string): void {
    if (PROGRESS_KEY.test(line)) {
      this.progressLine(line);
      return;
    }
    if (line.trim() === '') return;
    if (this.opts.keepAll) this.all.push(line);
    this.tail.push(line);
    if (this.tail.length > STDERR_TAIL_LINES) this.tail.shift();
  }

  private progressLine(line: string): void {
    const eq = line.indexOf('=');
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1).trim();
    if (key === 'out_time_us') {
      const n = Number(value);
      this.outTimeUs = Number.isFinite(n) && n >= 0 ? n : this.outTimeUs;
    } else if (key === 'speed') {
      const n = Number.parseFloat(value);
      this.speed = Number.isFinite(n) ? n : null;
    } else if (key === 'progress' && this.opts.onProgress && this.outTimeUs !== null) {
      const outTimeMs = this.outTimeUs / 1000;
      const { durationMs } = this.opts;
      const fraction =
        durationMs !== undefined && durationMs > 0 ? Math.min(1, outTimeMs / durationMs) : null;
      this.opts.onProgress({ outTimeMs, fraction, speed: this.speed });
    }
  }
}
