export { Library } from './library.js';
export {
  Browse,
  type ListArtistsParams,
  type ListTracksParams,
  type Page,
  type Playable,
} from './browse.js';
export type { SearchResult } from './search.js';
export type { ImportOptions } from './importer.js';
export type { DurationProbe } from './scan.js';
export { audioExtensions, unknownArtist } from './scan.js';
export { ffprobeDuration } from './probe.js';
export {
  LoudnessJob,
  type LoudnessJobOptions,
  type LoudnessMeasurement,
  type LoudnessProgress,
  type MeasureLoudness,
} from './loudness-job.js';
export { CoverStore } from './covers.js';
export { foldKey, letterOf, ftsQuery } from './text.js';
export {
  LibraryError,
  type ImportProgress,
  type ImportReport,
  type LibraryOptions,
  type ToolPaths,
} from './types.js';
