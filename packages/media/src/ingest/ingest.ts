import { PCM_SAMPLE_RATE } from '../args.js';
import { countDecodedFrames } from '../decode.js';
import { DEFAULT_TARGET_LUFS, measureLoudness } from '../loudness.js';
import { runFfmpeg } from '../runner.js';
import type { MediaTools } from '../types.js';
import {
  CoverRejected,
  DEFAULT_COVER_SIZES,
  inspectCover,
  readCoverUpload,
  renderCovers,
  type CoverInfo,
} from './cover.js';
import { deliveryArgs, deliveryFormatFor } from './delivery.js';
import { IngestError, asIngestError, cancelled } from './errors.js';
import { OutputSet, describeFile } from './outputs.js';
import {
  DEFAULT_PREVIEW_CLIP_MS,
  previewArgs,
  previewFormatFor,
  previewWindow,
  type PreviewOptions,
} from './preview.js';
import { ProgressTracker, type IngestProgress } from './progress.js';
import type { IngestResult, IngestedCover } from './result.js';
import { inspectSource } from './source.js';

export interface IngestOptions {
  /**
   * Existing folder the outputs are written into (see INGEST_FILE_NAMES). One ingest at a
   * time per folder: names already present are refused, never overwritten.
   */
  outDir: string;
  /** Cover uploaded with the track (path or bytes); wins over the file's embedded picture. */
  cover?: string | Uint8Array;
  /** Loudness target in LUFS (default -18, ReplayGain 2.0). */
  targetLufs?: number;
  preview?: PreviewOptions;
  /** Square cover sizes in pixels (default 600 and 200). */
  coverSizes?: readonly number[];
  tools?: MediaTools;
  /** Cancels the ingest: ffmpeg children are killed, outputs removed, 'cancelled' thrown. */
  signal?: AbortSignal;
  /** Progress for a bar: overall fraction 0..1 and the current stage; ends with 'done', 1. */
  onProgress?: (progress: IngestProgress) => void;
}

/** Names of the files ingest writes into `outDir`. */
export const INGEST_FILE_NAMES = {
  delivery: 'delivery.mp3',
  preview: 'preview.opus',
  cover: (size: number) => `cover-${size}.jpg`,
} as const;

/** How much shorter than declared a decode may be before the file counts as truncated. */
export const TRUNCATION_TOLERANCE = { minMs: 500, fraction: 0.01 } as const;

/**
 * Ingests one uploaded track for the master catalog: probe and tags, the delivery file
 * (transcoded, then decoded again to verify it and learn its exact length), loudness and
 * gain, the retail preview, and cover art. Stages run one after another: the server runs
 * several ingests at once if it has the cores, and one ingest must not take them all.
 *
 * Resolves with the result only when every output is complete; otherwise rejects with an
 * IngestError and leaves nothing in `outDir`.
 */
export async function ingestTrack(input: string, options: IngestOptions): Promise<IngestResult> {
  const { signal } = options;
  const tools = options.tools ? { tools: options.tools } : {};
  const run = { ...tools, ...(signal ? { signal } : {}) };
  const progress = new ProgressTracker(options.onProgress);
  const outputs = new OutputSet(options.outDir);
  const warnings: string[] = [];
  const fail = (kind: IngestError['kind'], message: string) =>
    new IngestError({ kind, file: input, message });
  const checkpoint = () => {
    if (signal?.aborted) throw cancelled(input, signal.reason);
  };
  const step = async <T>(what: string, work: () => Promise<T>): Promise<T> => {
    checkpoint();
    try {
      return await work();
    } catch (err) {
      throw asIngestError(err, input, what, signal);
    }
  };

  try {
    checkpoint();
    const targetLufs = options.targetLufs ?? DEFAULT_TARGET_LUFS;
    const coverSizes = options.coverSizes ?? DEFAULT_COVER_SIZES;
    checkOptions(input, targetLufs, coverSizes, options.preview);
    const names = [
      INGEST_FILE_NAMES.delivery,
      INGEST_FILE_NAMES.preview,
      ...coverSizes.map(INGEST_FILE_NAMES.cover),
    ];
    const taken = await outputs.claim(names);
    if (taken !== null) throw fail('invalid_options', `cannot write the outputs: ${taken}`);

    // Probe. The uploaded cover is checked here too, so a bad one fails in a second, not
    // after minutes of encoding.
    progress.report('probe');
    const source = await step('probing', () => inspectSource(input, run, warnings));
    const uploadedCover =
      options.cover === undefined
        ? null
        : await step('reading the cover', () => acceptCover(input, options.cover!));

    // Transcode to the delivery format.
    const format = deliveryFormatFor(source.probe.audio.channels);
    const declaredMs = source.probe.durationMs;
    progress.report('transcode');
    // ffmpeg's last progress report says how much audio it encoded: none at all means the
    // stream holds no samples (the encoder then writes only a header, which cannot decode).
    let encodedMs: number | null = null;
    const transcode = await step('transcoding', () =>
      runFfmpeg(
        [
          // Only errors are logged, so every log line is a decode problem worth reporting.
          '-loglevel',
          'error',
          '-stats_period',
          '0.25',
          ...deliveryArgs(input, outputs.partial(INGEST_FILE_NAMES.delivery), format),
        ],
        {
          ...run,
          ...(declaredMs ? { durationMs: declaredMs } : {}),
          onProgress: (p) => {
            encodedMs = Math.max(encodedMs ?? 0, p.outTimeMs);
            progress.report('transcode', p.fraction ?? 0);
          },
        },
      ),
    );
    const decodeErrors = transcode.stderr.split('\n').filter((l) => l.trim() !== '');
    if (decodeErrors.length > 0) {
      warnings.push(
        `${decodeErrors.length} decoder error line(s) while transcoding, first: ${decodeErrors[0]}`,
      );
    }
    if (encodedMs === 0) throw fail('zero_duration', `${input} holds no audio samples`);
    const deliveryPath = await step('saving the delivery file', () =>
      outputs.commit(INGEST_FILE_NAMES.delivery),
    );

    // Verify: decode the delivery as a box will. Its exact length is what boxes play, and a
    // decode far shorter than the header promised is an upload cut off in transit.
    progress.report('verify');
    const deliveryFrames = await step('verifying the delivery file', () =>
      countDecodedFrames(deliveryPath, run),
    );
    if (deliveryFrames === 0) throw fail('zero_duration', `${input} holds no audio samples`);
    const deliveryMs = Math.round((deliveryFrames * 1000) / PCM_SAMPLE_RATE);
    if (declaredMs !== null) {
      const allowed = Math.max(
        TRUNCATION_TOLERANCE.minMs,
        declaredMs * TRUNCATION_TOLERANCE.fraction,
      );
      if (declaredMs - deliveryMs > allowed) {
        throw fail(
          'truncated',
          `${input} is truncated: its header declares ${fmtSeconds(declaredMs)} but only ` +
            `${fmtSeconds(deliveryMs)} decode`,
        );
      }
    }

    progress.report('loudness');
    const loudness = await step('measuring loudness', () =>
      measureLoudness(input, { ...run, targetLufs }),
    );

    progress.report('preview');
    const window = previewWindow(deliveryMs, options.preview);
    const previewFormat = previewFormatFor(source.probe.audio.channels, options.preview);
    await step('making the preview', () =>
      runFfmpeg(
        previewArgs(
          input,
          outputs.partial(INGEST_FILE_NAMES.preview),
          window,
          previewFormat,
          loudness.gainDb,
        ),
        { ...run, durationMs: window.durationMs },
      ),
    );
    const previewPath = await step('saving the preview', () =>
      outputs.commit(INGEST_FILE_NAMES.preview),
    );

    progress.report('cover');
    const cover = await step('resizing the cover', async () => {
      const chosen = uploadedCover ?? (await embeddedCoverOrNull(source.embeddedCover, warnings));
      return chosen === null ? null : writeCovers(chosen, coverSizes, outputs);
    });

    progress.report('finish');
    const [sourceFile, delivery, preview] = await step('hashing the outputs', () =>
      Promise.all([describeFile(input), describeFile(deliveryPath), describeFile(previewPath)]),
    );
    checkpoint();
    progress.done();
    return {
      source: {
        ...sourceFile,
        container: source.probe.container,
        codec: source.probe.audio.codec,
        sampleRate: source.probe.audio.sampleRate,
        channels: source.probe.audio.channels,
        bitRate: source.probe.audio.bitRate,
      },
      metadata: source.metadata,
      loudness: { ...loudness, targetLufs },
      durations: { declaredMs, deliveryFrames, deliveryMs, previewMs: window.durationMs },
      delivery: { ...delivery, format },
      preview: { ...preview, format: previewFormat, window },
      cover,
      warnings,
    };
  } catch (err) {
    await outputs.discard();
    throw asIngestError(err, input, 'ingest failed', signal);
  }
}

/** Refuses bad options before any work, rather than after minutes of encoding. */
function checkOptions(
  input: string,
  targetLufs: number,
  sizes: readonly number[],
  preview: PreviewOptions | undefined,
): void {
  const bad = (message: string) =>
    new IngestError({ kind: 'invalid_options', file: input, message });
  try {
    previewWindow(DEFAULT_PREVIEW_CLIP_MS * 2, preview);
    previewFormatFor(2, preview);
  } catch (err) {
    throw bad(`preview options: ${(err as Error).message}`);
  }
  if (!(targetLufs >= -40 && targetLufs <= 0)) {
    throw bad(`targetLufs must be between -40 and 0, got ${targetLufs}`);
  }
  if (sizes.length === 0 || new Set(sizes).size !== sizes.length) {
    throw bad(`coverSizes must be distinct and not empty, got [${sizes.join(', ')}]`);
  }
  for (const size of sizes) {
    if (!Number.isInteger(size) || size < 16 || size > 4096) {
      throw bad(`cover sizes must be integers 16..4096, got ${size}`);
    }
  }
}

interface ChosenCover {
  origin: IngestedCover['origin'];
  bytes: Uint8Array;
  info: CoverInfo;
}

/** The uploaded cover, checked; a bad one fails the ingest (the uploader chose it). */
async function acceptCover(input: string, cover: string | Uint8Array): Promise<ChosenCover> {
  try {
    const bytes = await readCoverUpload(cover);
    return { origin: 'upload', bytes, info: await inspectCover(bytes) };
  } catch (err) {
    if (!(err instanceof CoverRejected)) throw err;
    throw new IngestError({ kind: 'bad_cover', file: input, message: err.message, cause: err });
  }
}

/** The embedded picture, if usable. A broken one is only a warning: the audio is fine. */
async function embeddedCoverOrNull(
  bytes: Uint8Array | null,
  warnings: string[],
): Promise<ChosenCover | null> {
  if (bytes === null) return null;
  try {
    return { origin: 'embedded', bytes, info: await inspectCover(bytes) };
  } catch (err) {
    if (!(err instanceof CoverRejected)) throw err;
    warnings.push(`embedded cover ignored: ${err.message}`);
    return null;
  }
}

async function writeCovers(
  chosen: ChosenCover,
  sizes: readonly number[],
  outputs: OutputSet,
): Promise<IngestedCover> {
  const rendered = await renderCovers(chosen.bytes, sizes);
  const images: IngestedCover['images'] = [];
  for (const image of rendered) {
    const path = await outputs.write(INGEST_FILE_NAMES.cover(image.size), image.data);
    const file = await describeFile(path);
    images.push({
      ...file,
      size: image.size,
      width: image.width,
      height: image.height,
      mimeType: 'image/jpeg',
    });
  }
  return { origin: chosen.origin, source: chosen.info, images };
}

function fmtSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
