import { readFile, stat } from 'node:fs/promises';
import type { Metadata } from 'sharp';
import type sharpFactory from 'sharp';

/** Square JPEG sizes made for every cover: the attract-mode tile and the list thumbnail. */
export const DEFAULT_COVER_SIZES: readonly number[] = [600, 200];
/** An uploaded cover larger than this is refused before it is decoded. */
export const MAX_COVER_BYTES = 25 * 1024 * 1024;
/**
 * Decoded pixels sharp may allocate for one cover (8000 x 8000). A small file can declare a
 * huge image (a "decompression bomb"); sharp refuses it before allocating.
 */
export const MAX_COVER_PIXELS = 64_000_000;
const JPEG_QUALITY = 85;

let sharpLoading: Promise<typeof sharpFactory> | undefined;

/**
 * sharp, loaded on first use. Importing it loads libvips, a native library; boxes import
 * this package for decoding and never resize covers, so they must not pay for it (or fail
 * on a platform without a prebuilt libvips) just by importing @jukebox/media.
 */
function loadSharp(): Promise<typeof sharpFactory> {
  sharpLoading ??= import('sharp').then((m) => m.default);
  return sharpLoading;
}

// Raster formats a cover may arrive in. SVG is refused: it is a document (librsvg would parse
// untrusted XML on the server), not a picture of a sleeve.
const ACCEPTED_FORMATS = new Set(['jpeg', 'png', 'webp', 'gif', 'tiff', 'heif']);

/** What an accepted cover is, before resizing. */
export interface CoverInfo {
  format: string;
  width: number;
  height: number;
}

/** One rendered size. */
export interface RenderedCover {
  size: number;
  width: number;
  height: number;
  data: Buffer;
}

/** A cover that cannot be used; the message says why in words an uploader understands. */
export class CoverRejected extends Error {
  override readonly name = 'CoverRejected';
}

/**
 * The bytes of an uploaded cover given as a path or as bytes. A file over the limit is
 * refused from its size alone, before it is read into memory. Throws CoverRejected.
 */
export async function readCoverUpload(cover: string | Uint8Array): Promise<Uint8Array> {
  if (typeof cover !== 'string') return cover;
  let size: number;
  try {
    const info = await stat(cover);
    if (!info.isFile()) throw new CoverRejected(`the cover ${cover} is not a file`);
    size = info.size;
  } catch (err) {
    if (err instanceof CoverRejected) throw err;
    throw new CoverRejected(`cannot read the cover ${cover}: ${(err as Error).message}`, {
      cause: err,
    });
  }
  if (size > MAX_COVER_BYTES) {
    throw new CoverRejected(`the cover is ${size} bytes; the limit is ${MAX_COVER_BYTES} bytes`);
  }
  return readFile(cover);
}

/**
 * Checks that `bytes` are a raster image we accept and returns its format and size. Cheap:
 * only the header is read. Throws CoverRejected.
 */
export async function inspectCover(bytes: Uint8Array): Promise<CoverInfo> {
  if (bytes.length === 0) throw new CoverRejected('the cover file is empty');
  if (bytes.length > MAX_COVER_BYTES) {
    throw new CoverRejected(
      `the cover is ${bytes.length} bytes; the limit is ${MAX_COVER_BYTES} bytes`,
    );
  }
  const sharp = await loadSharp();
  let meta: Metadata;
  try {
    // Header only, no pixels decoded; the size limit is checked below with a clearer message.
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (err) {
    throw new CoverRejected(`the cover is not an image (${(err as Error).message})`, {
      cause: err,
    });
  }
  if (meta.format === undefined || !ACCEPTED_FORMATS.has(meta.format)) {
    throw new CoverRejected(
      `the cover is ${meta.format ?? 'an unknown format'}; accepted: JPEG, PNG, WebP, GIF, TIFF, HEIF/AVIF`,
    );
  }
  const { width, height } = meta;
  if (!width || !height) throw new CoverRejected('the cover has no size');
  if (width * height > MAX_COVER_PIXELS) {
    throw new CoverRejected(`the cover is ${width}x${height}; the limit is 64 megapixels`);
  }
  return { format: meta.format, width, height };
}

/**
 * Renders the cover at each size as a square baseline JPEG in sRGB with no metadata.
 *
 * - EXIF orientation is applied first, as the metadata that carries it is stripped.
 * - Non-square art is centre-cropped ("cover" fit): the kiosk grid has square tiles, and a
 *   letterboxed tile looks broken next to the others.
 * - Small art is enlarged so every tile has the same size; the server can warn on
 *   `CoverInfo` when the source is smaller than the largest size.
 * - Alpha is flattened onto black (JPEG has none) and CMYK or tagged-profile images are
 *   converted to sRGB, the space the kiosk screen assumes; EXIF, XMP and ICC are dropped
 *   (sharp writes none unless asked), so no camera data or location leaks to every box.
 */
export async function renderCovers(
  bytes: Uint8Array,
  sizes: readonly number[] = DEFAULT_COVER_SIZES,
): Promise<RenderedCover[]> {
  const sharp = await loadSharp();
  const out: RenderedCover[] = [];
  for (const size of sizes) {
    if (!Number.isInteger(size) || size < 16 || size > 4096) {
      throw new RangeError(`cover size must be an integer 16..4096, got ${size}`);
    }
    const { data, info } = await sharp(bytes, { limitInputPixels: MAX_COVER_PIXELS })
      .autoOrient()
      .resize(size, size, { fit: 'cover', position: 'centre' })
      .flatten({ background: '#000000' })
      .toColourspace('srgb')
      .jpeg({ quality: JPEG_QUALITY, progressive: false, chromaSubsampling: '4:2:0' })
      .toBuffer({ resolveWithObject: true });
    out.push({ size, width: info.width, height: info.height, data });
  }
  return out;
}
