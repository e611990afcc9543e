import { DEFAULT_TARGET_LUFS, measureLoudness } from '../loudness.js';
import type { MediaTools } from '../types.js';
import type { StageContext } from './context.js';
import { acceptEmbeddedCover, acceptUploadedCover, writeCovers } from './cover-choice.js';
import { DEFAULT_COVER_SIZES } from './cover.js';
import { encodeDelivery, encodePreview } from './encode.js';
import { IngestError, asIngestError, cancelled } from './errors.js';
import { INGEST_FILE_NAMES, OutputSet, describeFile } from './outputs.js';
import {
  DEFAULT_PREVIEW_CLIP_MS,
  previewFormatFor,
  previewWindow,
  type PreviewOptions,
} from './preview.js';
import { ProgressTracker, type IngestProgress } from './progress.js';
import type { IngestResult } from './result.js';
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
  const ctx: StageContext = {
    input,
    run: { ...(options.tools ? { tools: options.tools } : {}), ...(signal ? { signal } : {}) },
    outputs: new OutputSet(options.outDir),
    progress: new ProgressTracker(options.onProgress),
    warnings: [],
  };
  const checkpoint = () => {
    if (signal?.aborted) throw cancelled(input, signal.reason);
  };
  /** Runs one stage: not at all once cancelled, and with its failure named. */
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
    const taken = await ctx.outputs.claim([
      INGEST_FILE_NAMES.delivery,
      INGEST_FILE_NAMES.preview,
      ...coverSizes.map(INGEST_FILE_NAMES.cover),
    ]);
    if (taken !== null) {
      throw new IngestError({
        kind: 'invalid_options',
        file: input,
        message: `cannot write the outputs: ${taken}`,
      });
    }

    // The uploaded cover is checked with the probe, so a bad one fails in a second, not after
    // minutes of encoding.
    ctx.progress.report('probe');
    const source = await step('probing', () => inspectSource(input, ctx.run, ctx.warnings));
    const uploadedCover =
      options.cover === undefined
        ? null
        : await step('reading the cover', () => acceptUploadedCover(input, options.cover!));

    const delivery = await step('transcoding', () => encodeDelivery(ctx, source));

    // Measured on the upload, the master, rather than on the delivery: the gain belongs to
    // the recording, and a 256 kbit/s encode barely moves integrated loudness.
    ctx.progress.report('loudness');
    const loudness = await step('measuring loudness', () =>
      measureLoudness(input, { ...ctx.run, targetLufs }),
    );

    const preview = await step('making the preview', () =>
      encodePreview(ctx, source, delivery.ms, loudness.gainDb, options.preview),
    );

    const cover = await step('resizing the cover', async () => {
      const chosen =
        uploadedCover ?? (await acceptEmbeddedCover(source.embeddedCover, ctx.warnings));
      return chosen === null ? null : writeCovers(ctx, chosen, coverSizes);
    });

    ctx.progress.report('finish');
    const [sourceFile, deliveryFile, previewFile] = await step('hashing the outputs', () =>
      Promise.all([describeFile(input), describeFile(delivery.path), describeFile(preview.path)]),
    );
    checkpoint();
    ctx.progress.done();
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
      durations: {
        declaredMs: source.probe.durationMs,
        deliveryFrames: delivery.frames,
        deliveryMs: delivery.ms,
        previewMs: preview.window.durationMs,
      },
      delivery: { ...deliveryFile, format: delivery.format },
      preview: { ...previewFile, format: preview.format, window: preview.window },
      cover,
      warnings: ctx.warnings,
    };
  } catch (err) {
    await ctx.outputs.discard();
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
