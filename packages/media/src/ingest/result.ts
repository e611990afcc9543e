import type { LoudnessResult } from '../loudness.js';
import type { CoverInfo } from './cover.js';
import type { DeliveryFormat } from './delivery.js';
import type { IngestedFile } from './outputs.js';
import type { PreviewFormat, PreviewWindow } from './preview.js';
import type { TrackMetadata } from './tags.js';

/** The upload itself: its hash lets the server spot a re-upload before doing any work. */
export interface IngestedSource extends IngestedFile {
  /** ffprobe's format name, e.g. "mp3", "flac", "wav". */
  container: string;
  codec: string;
  sampleRate: number;
  channels: number;
  bitRate: number | null;
}

export interface IngestedCover {
  /** Where the art came from: the cover given with the upload, or the file's own picture. */
  origin: 'upload' | 'embedded';
  /** The art before resizing (a server may warn when it is smaller than the largest size). */
  source: CoverInfo;
  /** One square sRGB JPEG per requested size, in the order requested. */
  images: (IngestedFile & {
    size: number;
    width: number;
    height: number;
    mimeType: 'image/jpeg';
  })[];
}

export interface IngestDurations {
  /** What the container header claims; null when it does not say. */
  declaredMs: number | null;
  /** Sample frames the delivery decodes to at 44.1 kHz: the exact playback length. */
  deliveryFrames: number;
  /** deliveryFrames in milliseconds (rounded). */
  deliveryMs: number;
  /** Length of the preview clip. */
  previewMs: number;
}

/** Everything the server needs to file a track; the files are in the caller's folder. */
export interface IngestResult {
  source: IngestedSource;
  metadata: TrackMetadata;
  /** EBU R128 measurement of the upload and the gain that brings it to `targetLufs`. */
  loudness: LoudnessResult & { targetLufs: number };
  durations: IngestDurations;
  delivery: IngestedFile & { format: DeliveryFormat };
  preview: IngestedFile & { format: PreviewFormat; window: PreviewWindow };
  /** Null when no cover was given and the file has none (or only a broken one). */
  cover: IngestedCover | null;
  /** Things a human may want to look at that did not stop the ingest. */
  warnings: string[];
}
