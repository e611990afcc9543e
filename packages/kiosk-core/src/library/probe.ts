import { probe, type MediaTools } from '@jukebox/media';
import type { DurationProbe } from './scan.js';

/**
 * The importer's fallback when music-metadata cannot tell a file's duration (e.g. a VBR MP3
 * without a Xing header): ffprobe reads the container.
 */
export function ffprobeDuration(tools: MediaTools): DurationProbe {
  return async (file) => (await probe(file, { tools })).durationMs;
}
