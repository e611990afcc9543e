export { planCatalog, PLAN_DEFAULTS, LOUDNESS_RANGE_LUFS } from './plan.js';
export type {
  CatalogPlan,
  MusicParams,
  PlanOptions,
  PlannedAlbum,
  PlannedArtist,
  PlannedTrack,
} from './plan.js';
export { generateCatalog } from './generate.js';
export type { GenerateOptions, GenerateProgress, GenerateSummary } from './generate.js';
export { generateMetadata, metadataRecords } from './metadata.js';
export type { MetadataOptions, MetadataSummary } from './metadata.js';
export { readExplicitFlag, EXPLICIT_METADATA_KEY } from './explicit.js';
export type { MetadataWithNativeTags } from './explicit.js';
export { GENRES, type Genre } from './genres.js';
export { renderCover, coverSvg, COVER_SIZE } from './cover.js';
