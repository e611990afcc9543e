export {
  assembleCdImage,
  trackFileName,
  TOC_FILE,
  type CdImage,
  type CdImageTrack,
} from './assemble.js';
export { buildToc } from './toc.js';
export { checkCdImage, type CdImageCheck, type CheckCdImageOptions } from './check.js';
export { CdImageError, isCdImageError, type CdImageErrorKind } from './errors.js';
export {
  fitCdText,
  toLatin1,
  tocString,
  CD_TEXT_PACK_LIMIT,
  type CdText,
  type CdTextInput,
} from './cd-text.js';
export {
  ean13CheckDigitOk,
  type CdImageRequest,
  type CdImageProgress,
  type CdLayout,
} from './request.js';
export { wavHeader, WAV_HEADER_BYTES } from './wav.js';
