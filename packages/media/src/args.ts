/**
 * Small builders for ffmpeg argument lists. They return plain string arrays so callers can
 * spread them together and tests can read them.
 */

/** The PCM every sink takes: signed 16-bit little-endian, 44,100 Hz, stereo. */
export const PCM_SAMPLE_RATE = 44_100;
export const PCM_CHANNELS = 2;
export const PCM_BYTES_PER_FRAME = 4;

/** Milliseconds as ffmpeg seconds ("1.234500"); ffmpeg takes microsecond precision. */
export function seconds(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`not a time: ${ms} ms`);
  return (ms / 1000).toFixed(6);
}

/** `-i file`, optionally with an input seek (decode-accurate in ffmpeg >= 2.1) and a format. */
export function input(file: string, opts: { seekMs?: number; format?: string } = {}): string[] {
  const args: string[] = [];
  if (opts.seekMs !== undefined && opts.seekMs > 0) args.push('-ss', seconds(opts.seekMs));
  if (opts.format !== undefined) args.push('-f', opts.format);
  args.push('-i', file);
  return args;
}

/** Raw sink PCM read from `source` (stdin by default). */
export function pcmInput(source = 'pipe:0'): string[] {
  return ['-f', 's16le', '-ar', String(PCM_SAMPLE_RATE), '-ac', String(PCM_CHANNELS), '-i', source];
}

/** Raw sink PCM written to `target` (stdout by default). */
export function pcmOutput(target = 'pipe:1'): string[] {
  return ['-f', 's16le', '-ar', String(PCM_SAMPLE_RATE), '-ac', String(PCM_CHANNELS), target];
}

/** Decode and discard: for measurements that only read the log. */
export const nullOutput: readonly string[] = ['-f', 'null', '-'];

/** Only the first audio stream: cover art and extra streams are ignored. */
export const firstAudioStream: readonly string[] = ['-map', '0:a:0', '-vn', '-sn', '-dn'];

export type FilterOptionValue = string | number | boolean;

// Characters with a meaning in filtergraph syntax. Our values are numbers and names, so
// rejecting these is simpler and safer than escaping them.
const FILTERGRAPH_SPECIAL = /[\s,:;=[\]'\\]/;

/** One filter: `filter('alimiter', { limit: 0.9, level: false })` -> "alimiter=limit=0.9:level=false". */
export function filter(name: string, options: Record<string, FilterOptionValue> = {}): string {
  const parts = Object.entries(options).map(([k, v]) => {
    const value = String(v);
    if (FILTERGRAPH_SPECIAL.test(value) || FILTERGRAPH_SPECIAL.test(k)) {
      throw new RangeError(`filter option ${name}.${k} has filtergraph syntax in it: ${value}`);
    }
    return `${k}=${value}`;
  });
  return parts.length === 0 ? name : `${name}=${parts.join(':')}`;
}

/** `-af a,b,c`, or nothing for an empty chain. */
export function audioFilters(filters: readonly string[]): string[] {
  return filters.length === 0 ? [] : ['-af', filters.join(',')];
}
