export {
  chunkCount,
  CONTENT_KEY_LENGTH,
  decodeHeader,
  DEFAULT_CHUNK_SIZE,
  encryptedSize,
  HEADER_LENGTH,
  Jbx1Error,
  JBX1_MAGIC,
  MAX_CHUNK_LOG2,
  MIN_CHUNK_LOG2,
  TAG_LENGTH,
} from './format.js';
export type { Jbx1Header } from './format.js';
export { createEncryptStream, encryptFile } from './encrypt-stream.js';
export type { EncryptFileResult, EncryptStreamOptions } from './encrypt-stream.js';
export { createDecryptStream } from './decrypt-stream.js';
export type { DecryptStreamOptions } from './decrypt-stream.js';
export { createPlaintextReadStream, openEncryptedBlob } from './random-access.js';
export type { EncryptedBlob, PlaintextRangeOptions } from './random-access.js';
