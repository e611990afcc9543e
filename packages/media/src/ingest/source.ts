import { stat } from 'node:fs/promises';
import { parseFile } from 'music-metadata';
import { isFfmpegError, lastErrorLine } from '../errors.js';
import { probe, type ProbeResult } from '../probe.js';
import type { MediaTools } from '../types.js';
import { IngestError, asIngestError } from './errors.js';
import { ACCEPTED_AUDIO, sniffFile } from './sniff.js';
import { embeddedCover, readTrackMetadata, type ParsedTags, type TrackMetadata } from './tags.js';

/** What the probe stage learns about an upload. */
export interface SourceFacts {
  file: string;
  sizeBytes: number;
  probe: ProbeResult;
  metadata: TrackMetadata;
  /** The embedded front cover's bytes, if the file has one. */
  embeddedCover: Uint8Array | null;
}

/**
 * Probes an upload: its first bytes must be an audio container we accept (see sniff.ts),
 * then ffprobe for the technical facts (it decides whether the file is audio at
 * all), music-metadata for the tags ffprobe flattens or drops (ISRC frames, advisory atoms,
 * picture types). Throws an IngestError for a file that is missing, empty, not media, has
 * no audio stream, or declares zero length.
 */
export async function inspectSource(
  file: string,
  opts: { tools?: MediaTools; signal?: AbortSignal },
  warnings: string[],
): Promise<SourceFacts> {
  const fail = (kind: IngestError['kind'], message: string, cause?: unknown) =>
    new IngestError({ kind, file, message, ...(cause === undefined ? {} : { cause }) });

  let sizeBytes: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw fail('unreadable', `${file} is not a regular file`);
    sizeBytes = info.size;
  } catch (err) {
    if (err instanceof IngestError) throw err;
    throw fail('unreadable', `cannot read ${file}: ${(err as Error).message}`, err);
  }
  if (sizeBytes === 0) throw fail('unreadable', `${file} is empty (0 bytes)`);

  const sniffed = await sniffFile(file).catch((err: unknown) => {
    throw fail('unreadable', `cannot read ${file}: ${(err as Error).message}`, err);
  });
  if (sniffed.kind === 'image') {
    throw fail('no_audio', `${file} is a ${sniffed.format} image, not audio`);
  }
  if (sniffed.kind === 'unknown') {
    throw fail(
      'unreadable',
      `${file} is not in an audio format ingest accepts (${ACCEPTED_AUDIO})`,
    );
  }

  let probed: ProbeResult;
  try {
    probed = await probe(file, {
      ...(opts.tools ? { tools: opts.tools } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
  } catch (err) {
    if (isFfmpegError(err, 'failed')) {
      const reason = lastErrorLine(err.stderrTail, file) ?? 'ffprobe cannot open it';
      throw fail('unreadable', `${file} is not an audio file ffmpeg can read: ${reason}`, err);
    }
    // probe() reports a readable file without audio (a picture, a video) as bad output.
    if (isFfmpegError(err, 'bad_output') && err.message.startsWith('no audio stream')) {
      throw fail('no_audio', `${file} has no audio stream (is it an image or a video?)`, err);
    }
    throw asIngestError(err, file, 'ffprobe failed', opts.signal);
  }
  if (probed.durationMs === 0) throw fail('zero_duration', `${file} declares a length of 0 s`);

  let parsed: ParsedTags | null = null;
  try {
    parsed = await parseFile(file, { duration: false, skipCovers: false });
  } catch (err) {
    // ffprobe could read it, so the audio is usable; only music-metadata's view of the tags
    // is lost, and ffprobe's tags stand in for it.
    warnings.push(`tags read by ffprobe only: music-metadata failed (${(err as Error).message})`);
  }
  return {
    file,
    sizeBytes,
    probe: probed,
    metadata: readTrackMetadata(parsed, probed.tags, warnings),
    embeddedCover: embeddedCover(parsed),
  };
}
