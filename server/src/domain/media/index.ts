/**
 * @module domain/media
 * Public surface of media: uploads, access checks, the type policy per kind, and reading blobs
 * (whole or by byte range). Other modules import only from here.
 */
export { uploadMedia, receiveUpload, storeReceived, discardReceived, detectReceivedType, accessMedia, toMedia, cleanFileName, isMediaKind, MAX_MEDIA_BYTES, type UploadInput, type ReceivedFile } from './service.js';
export { checkDeclaredType, resolveMediaType, kindAllows, parseType, OGG_OPUS } from './mime-policy.js';
export { etagOf, noneMatchHits, resolveRange, type ByteRange } from './ranges.js';
export { openBlob, blobPath, blobExists, tempDir } from './storage.js';
