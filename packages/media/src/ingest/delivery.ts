import { PCM_SAMPLE_RATE, audioFilters, filter, firstAudioStream, input } from '../args.js';

/**
 * The delivery format: what boxes store, decrypt and play. Described in the ingest result
 * so the server can put it in manifests; a box needs nothing else to play the file.
 */
export interface DeliveryFormat {
  container: 'mp3';
  codec: 'mp3';
  encoder: 'libmp3lame';
  mimeType: 'audio/mpeg';
  extension: 'mp3';
  sampleRate: typeof PCM_SAMPLE_RATE;
  channels: 1 | 2;
  /** Constant bitrate, kbit/s. */
  bitrateKbps: number;
  /** How exact playback length is known, for the manifest and the curious. */
  gapless: string;
}

/** Stereo delivery bitrate; mono gets half. */
export const DELIVERY_STEREO_KBPS = 256;

/**
 * Chooses the delivery format for a source with `channels` channels.
 *
 * Why MP3 (LAME, CBR, with the LAME/Info header), over Opus in Ogg or AAC in MP4:
 *
 * - **Sample-exact at the rate the box runs at.** The box sink and the CD burner both take
 *   44,100 Hz PCM (args.ts PCM_SAMPLE_RATE; Red Book). MP3 keeps 44.1 kHz, and the LAME
 *   header records the encoder delay and the end padding, which ffmpeg's mp3 demuxer trims
 *   (start_skip_samples / end padding), so the decode has exactly the source's sample count
 *   and nothing is resampled on the box. Opus is exact too (RFC 7845 pre-skip and end-trim
 *   granule), but only at 48 kHz: the box would resample every track back to 44.1 kHz, and
 *   the round trip rounds the length up by a frame (measured: 44,101 -> 48,002 -> 44,102),
 *   and a burned CD would be two resamples away from the master. AAC in MP4 depends on the
 *   muxer's edit list and the decoder's priming: with ffmpeg 5.1's encoder a 3.3 s tone
 *   (145,530 frames) decoded 902 frames too long.
 * - **256 kbit/s CBR** is transparent for LAME on music, costs 1.9 MB a minute, and keeps
 *   byte offset proportional to time, so a resumed Range download or a seek needs no index.
 * - **No tags, bit-exact muxing.** The box gets titles from the signed manifest, not the
 *   file; without tags, encoder version strings or cover, the same audio always encodes to
 *   the same bytes, so re-ingesting a track yields the same SHA-256 and the content store
 *   deduplicates it.
 *
 * The guarantee the tests check: the delivery decodes to exactly as many frames as the
 * source decoded at 44.1 kHz (resampled with the same resampler when the source is not).
 */
export function deliveryFormatFor(sourceChannels: number): DeliveryFormat {
  const channels = sourceChannels === 1 ? 1 : 2;
  return {
    container: 'mp3',
    codec: 'mp3',
    encoder: 'libmp3lame',
    mimeType: 'audio/mpeg',
    extension: 'mp3',
    sampleRate: PCM_SAMPLE_RATE,
    channels,
    bitrateKbps: channels === 1 ? DELIVERY_STEREO_KBPS / 2 : DELIVERY_STEREO_KBPS,
    gapless: 'LAME header encoder delay and padding; sample-exact at 44.1 kHz',
  };
}

/**
 * The resampler for sources that are not at 44.1 kHz: SoX's (Debian's ffmpeg is built with
 * libsoxr), at its high-quality default. Done once per track at ingest, so quality wins over
 * speed. Exported so tests resample their reference the same way.
 */
export const DELIVERY_RESAMPLE = filter('aresample', {
  osr: PCM_SAMPLE_RATE,
  resampler: 'soxr',
});

/** ffmpeg arguments that transcode `source`'s first audio stream to `target` in `format`. */
export function deliveryArgs(source: string, target: string, format: DeliveryFormat): string[] {
  return [
    ...input(source),
    ...firstAudioStream,
    '-map_metadata',
    '-1',
    ...audioFilters([DELIVERY_RESAMPLE]),
    '-ac',
    String(format.channels),
    '-c:a',
    format.encoder,
    '-b:a',
    `${format.bitrateKbps}k`,
    // The LAME/Info header carries the delay and padding that make the decode sample-exact.
    '-write_xing',
    '1',
    '-id3v2_version',
    '0',
    '-write_id3v1',
    '0',
    '-fflags',
    '+bitexact',
    '-flags:a',
    '+bitexact',
    '-f',
    'mp3',
    '-y',
    target,
  ];
}
