import type { StageContext } from './context.js';
import {
  CoverRejected,
  inspectCover,
  readCoverUpload,
  renderCovers,
  type CoverInfo,
} from './cover.js';
import { IngestError } from './errors.js';
import { INGEST_FILE_NAMES, describeFile } from './outputs.js';
import type { IngestedCover } from './result.js';

/** The art an ingest will resize, checked. */
export interface ChosenCover {
  origin: IngestedCover['origin'];
  bytes: Uint8Array;
  info: CoverInfo;
}

/** The uploaded cover, checked; a bad one fails the ingest ('bad_cover'): the uploader chose it. */
export async function acceptUploadedCover(
  input: string,
  cover: string | Uint8Array,
): Promise<ChosenCover> {
  try {
    const bytes = await readCoverUpload(cover);
    return { origin: 'upload', bytes, info: await inspectCover(bytes) };
  } catch (err) {
    if (!(err instanceof CoverRejected)) throw err;
    throw new IngestError({ kind: 'bad_cover', file: input, message: err.message, cause: err });
  }
}

/** The embedded picture, if usable. A broken one is only a warning: the audio is fine. */
export async function acceptEmbeddedCover(
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

/** Renders and writes every size of the chosen cover. */
export async function writeCovers(
  ctx: StageContext,
  chosen: ChosenCover,
  sizes: readonly number[],
): Promise<IngestedCover> {
  ctx.progress.report('cover');
  const rendered = await renderCovers(chosen.bytes, sizes);
  const images: IngestedCover['images'] = [];
  for (const image of rendered) {
    const path = await ctx.outputs.write(INGEST_FILE_NAMES.cover(image.size), image.data);
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
