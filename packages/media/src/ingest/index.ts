export { ingestTrack, type IngestOptions } from './ingest.js';
export { INGEST_FILE_NAMES, type IngestedFile } from './outputs.js';
export { TRUNCATION_TOLERANCE } from './encode.js';
export type { IngestResult, IngestedSource, IngestedCover, IngestDurations } from './result.js';
export { IngestError, isIngestError, type IngestErrorKind } from './errors.js';
export type { IngestProgress, IngestStage } from './progress.js';
export {
  deliveryFormatFor,
  deliveryArgs,
  DELIVERY_RESAMPLE,
  DELIVERY_STEREO_KBPS,
  type DeliveryFormat,
} from './delivery.js';
export {
  previewWindow,
  previewFormatFor,
  previewArgs,
  DEFAULT_PREVIEW_CLIP_MS,
  DEFAULT_PREVIEW_START_FRACTION,
  type PreviewFormat,
  type PreviewOptions,
  type PreviewWindow,
} from './preview.js';
export {
  inspectCover,
  renderCovers,
  CoverRejected,
  DEFAULT_COVER_SIZES,
  MAX_COVER_BYTES,
  MAX_COVER_PIXELS,
  type CoverInfo,
  type RenderedCover,
} from './cover.js';
export { readTrackMetadata, type TrackMetadata } from './tags.js';
export { parseIsrc, ISRC_PATTERN } from './isrc.js';
export { readAdvisory, type Advisory } from './advisory.js';
export { sniff, ACCEPTED_AUDIO, type Sniffed } from './sniff.js';
