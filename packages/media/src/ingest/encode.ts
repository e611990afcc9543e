import { PCM_SAMPLE_RATE } from '../args.js';
import { countDecodedFrames } from '../decode.js';
import { runFfmpeg } from '../runner.js';
import type { StageContext } from './context.js';
import { deliveryArgs, deliveryFormatFor, type DeliveryFormat } from './delivery.js';
import { IngestError } from './errors.js';
import { INGEST_FILE_NAMES } from './outputs.js';
import {
  previewArgs,
  previewFormatFor,
  previewWindow,
  type PreviewFormat,
  type PreviewOptions,
  type PreviewWindow,
} from './preview.js';
import type { SourceFacts } from './source.js';

/** How much shorter than declared a decode may be before the file counts as truncated. */
export const TRUNCATION_TOLERANCE = { minMs: 500, fraction: 0.01 } as const;

export interface EncodedDelivery {
  path: string;
  format: DeliveryFormat;
  /** Frames the delivery decodes to at 44.1 kHz. */
  frames: number;
  ms: number;
}

/**
 * Transcodes the upload to the delivery format, then decodes the result as a box will: that
 * verifies the file, gives its exact playback length, and shows an upload cut off in
 * transit (a decode far shorter than the header promised). Throws 'zero_duration' or
 * 'truncated' IngestErrors.
 */
export async function encodeDelivery(
  ctx: StageContext,
  source: SourceFacts,
): Promise<EncodedDelivery> {
  const { input, run, outputs, progress, warnings } = ctx;
  const fail = (kind: IngestError['kind'], message: string) =>
    new IngestError({ kind, file: input, message });
  const format = deliveryFormatFor(source.probe.audio.channels);
  const declaredMs = source.probe.durationMs;

  progress.report('transcode');
  // ffmpeg's last progress report says how much audio it encoded: none at all means the
  // stream holds no samples (the encoder then writes only a header, which cannot decode).
  let encodedMs: number | null = null;
  const { stderr } = await runFfmpeg(
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
  );
  const decodeErrors = stderr.split('\n').filter((l) => l.trim() !== '');
  if (decodeErrors.length > 0) {
    warnings.push(
      `${decodeErrors.length} decoder error line(s) while transcoding, first: ${decodeErrors[0]}`,
    );
  }
  if (encodedMs === 0) throw fail('zero_duration', `${input} holds no audio samples`);
  const path = await outputs.commit(INGEST_FILE_NAMES.delivery);

  progress.report('verify');
  const frames = await countDecodedFrames(path, run);
  if (frames === 0) throw fail('zero_duration', `${input} holds no audio samples`);
  const ms = Math.round((frames * 1000) / PCM_SAMPLE_RATE);
  if (declaredMs !== null) {
    const allowed = Math.max(
      TRUNCATION_TOLERANCE.minMs,
      declaredMs * TRUNCATION_TOLERANCE.fraction,
    );
    if (declaredMs - ms > allowed) {
      throw fail(
        'truncated',
        `${input} is truncated: its header declares ${fmtSeconds(declaredMs)} but only ` +
          `${fmtSeconds(ms)} decode`,
      );
    }
  }
  return { path, format, frames, ms };
}

export interface EncodedPreview {
  path: string;
  format: PreviewFormat;
  window: PreviewWindow;
}

/** Cuts and encodes the retail preview from the upload, at the stored gain. */
export async function encodePreview(
  ctx: StageContext,
  source: SourceFacts,
  trackMs: number,
  gainDb: number,
  options: PreviewOptions | undefined,
): Promise<EncodedPreview> {
  ctx.progress.report('preview');
  const window = previewWindow(trackMs, options);
  const format = previewFormatFor(source.probe.audio.channels, options);
  const target = ctx.outputs.partial(INGEST_FILE_NAMES.preview);
  await runFfmpeg(previewArgs(ctx.input, target, window, format, gainDb), {
    ...ctx.run,
    durationMs: window.durationMs,
    onProgress: (p) => ctx.progress.report('preview', p.fraction ?? 0),
  });
  const path = await ctx.outputs.commit(INGEST_FILE_NAMES.preview);
  return { path, format, window };
}

function fmtSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(2)} s`;
}
