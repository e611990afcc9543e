import { audioFilters, filter, firstAudioStream, input, seconds } from '../args.js';
import { DEFAULT_LIMITER_CEILING_DB } from '../decode.js';

/**
 * The retail preview: Opus in Ogg. Chromium (the kiosk's renderer in both shells) plays
 * `audio/ogg; codecs=opus` natively, and at 48 kbit/s Opus still sounds like music where MP3
 * at that rate is smeared: cheap to store and stream, and plainly not the product.
 */
export interface PreviewFormat {
  container: 'ogg';
  codec: 'opus';
  encoder: 'libopus';
  mimeType: 'audio/ogg; codecs=opus';
  extension: 'opus';
  sampleRate: 48_000;
  channels: 1 | 2;
  bitrateKbps: number;
}

export interface PreviewOptions {
  /** Clip length (default 30 s); a track no longer than this is previewed whole. */
  clipMs?: number;
  /** Where the clip starts, as a fraction of the track (default 0.3, past most intros). */
  startFraction?: number;
  /** Fade lengths (defaults 1 s in, 2 s out), shortened for very short clips. */
  fadeInMs?: number;
  fadeOutMs?: number;
  /** Opus bitrate (default 48 kbit/s stereo, 32 mono). */
  bitrateKbps?: number;
  /** Force mono (default: mono only for mono sources). */
  mono?: boolean;
}

/** The part of the track a preview plays. */
export interface PreviewWindow {
  startMs: number;
  durationMs: number;
  fadeInMs: number;
  fadeOutMs: number;
}

export const DEFAULT_PREVIEW_CLIP_MS = 30_000;
export const DEFAULT_PREVIEW_START_FRACTION = 0.3;

/**
 * Places the clip: at `startFraction` of the track, moved earlier when it would run past
 * the end, or the whole track when the track is not longer than the clip. Fades never take
 * more than a fifth of the clip each, so a 3 s track is not all fade.
 */
export function previewWindow(trackMs: number, opts: PreviewOptions = {}): PreviewWindow {
  const clipMs = opts.clipMs ?? DEFAULT_PREVIEW_CLIP_MS;
  const fraction = opts.startFraction ?? DEFAULT_PREVIEW_START_FRACTION;
  if (!(trackMs > 0)) throw new RangeError(`track length must be positive, got ${trackMs}`);
  if (!(clipMs >= 1000)) throw new RangeError(`preview clip must be at least 1 s, got ${clipMs}`);
  if (!(fraction >= 0 && fraction < 1)) {
    throw new RangeError(`preview start fraction must be in 0..1, got ${fraction}`);
  }
  const durationMs = Math.min(clipMs, trackMs);
  const startMs = Math.round(Math.max(0, Math.min(trackMs * fraction, trackMs - durationMs)));
  const cap = durationMs / 5;
  return {
    startMs,
    durationMs,
    fadeInMs: Math.round(Math.min(opts.fadeInMs ?? 1000, cap)),
    fadeOutMs: Math.round(Math.min(opts.fadeOutMs ?? 2000, cap)),
  };
}

export function previewFormatFor(sourceChannels: number, opts: PreviewOptions = {}): PreviewFormat {
  const channels = opts.mono || sourceChannels === 1 ? 1 : 2;
  const bitrateKbps = opts.bitrateKbps ?? (channels === 1 ? 32 : 48);
  if (!(Number.isInteger(bitrateKbps) && bitrateKbps >= 6 && bitrateKbps <= 256)) {
    throw new RangeError(`preview bitrate must be 6..256 kbit/s, got ${bitrateKbps}`);
  }
  return {
    container: 'ogg',
    codec: 'opus',
    encoder: 'libopus',
    mimeType: 'audio/ogg; codecs=opus',
    extension: 'opus',
    sampleRate: 48_000,
    channels,
    bitrateKbps,
  };
}

/**
 * ffmpeg arguments for the preview. The input seek is sample-accurate for audio (ffmpeg
 * decodes from before the point and drops the rest) and atrim cuts the exact length, so
 * the clip is exactly `durationMs` long at 48 kHz (Ogg Opus trims its own padding). The
 * stored loudness gain and the box's limiter are applied, since Chromium plays the file
 * as it is and previews should sound as loud as each other.
 */
export function previewArgs(
  source: string,
  target: string,
  window: PreviewWindow,
  format: PreviewFormat,
  gainDb: number,
): string[] {
  const fadeOutStart = (window.durationMs - window.fadeOutMs) / 1000;
  const filters: string[] = [
    filter('atrim', { duration: seconds(window.durationMs) }),
    filter('aresample', { osr: format.sampleRate }),
    filter('volume', { volume: `${gainDb.toFixed(2)}dB` }),
    filter('alimiter', {
      limit: (10 ** (DEFAULT_LIMITER_CEILING_DB / 20)).toFixed(6),
      level: false,
      latency: true,
    }),
  ];
  if (window.fadeInMs > 0) {
    filters.push(filter('afade', { t: 'in', st: 0, d: (window.fadeInMs / 1000).toFixed(6) }));
  }
  if (window.fadeOutMs > 0) {
    const d = (window.fadeOutMs / 1000).toFixed(6);
    filters.push(filter('afade', { t: 'out', st: fadeOutStart.toFixed(6), d }));
  }
  return [
    ...input(source, { seekMs: window.startMs }),
    ...firstAudioStream,
    '-map_metadata',
    '-1',
    ...audioFilters(filters),
    '-ac',
    String(format.channels),
    '-c:a',
    format.encoder,
    '-b:a',
    `${format.bitrateKbps}k`,
    // 'audio' tuning: music, not speech (the VoIP mode band-limits).
    '-application',
    'audio',
    // A fixed Ogg serial and no version strings: the same input gives the same bytes.
    '-fflags',
    '+bitexact',
    '-flags:a',
    '+bitexact',
    '-f',
    'ogg',
    '-y',
    target,
  ];
}
