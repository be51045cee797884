/**
 * @module domain/media/mime-policy
 * Which file types each media kind accepts, and how a declared type (the upload's Content-Type) is
 * reconciled with the type detected from the file's first bytes. Decided here only; pure functions,
 * no I/O. Follows WhatsApp — images JPEG/PNG, stickers WebP, audio AAC/MP4/MPEG/AMR/Ogg-Opus, video
 * MP4/3GPP, documents any type — plus what browsers produce in the chat network: WebP and GIF
 * images, WebM audio (voice notes recorded with MediaRecorder) and WebM video. The Cloud API tier
 * applies WhatsApp's stricter list at its own boundary.
 */
import type { MediaKind } from '#contracts/models.js';
import { AppError } from '../../errors.js';

/** Types a client may declare when it does not know better: the detected type is used. */
const GENERIC = new Set(['', 'application/octet-stream', 'binary/octet-stream', 'application/unknown']);

/** Spellings seen in the wild → the one we store and compare. */
const ALIASES: Record<string, string> = {
  'image/jpg': 'image/jpeg',
  'image/pjpeg': 'image/jpeg',
  'image/apng': 'image/png',
  'image/x-png': 'image/png',
  'audio/x-m4a': 'audio/mp4',
  'audio/m4a': 'audio/mp4',
  'audio/x-aac': 'audio/aac',
  'audio/aacp': 'audio/aac',
  'audio/mp3': 'audio/mpeg',
  'audio/mpeg3': 'audio/mpeg',
  'audio/x-mpeg': 'audio/mpeg',
  'audio/x-mp3': 'audio/mpeg',
  'audio/opus': 'audio/ogg',
  'audio/amr-nb': 'audio/amr',
  'video/3gp': 'video/3gpp',
  'application/x-pdf': 'application/pdf',
  'text/xml': 'application/xml',
  'application/x-zip-compressed': 'application/zip',
};

/** The Ogg-Opus type as file-type reports it and as WhatsApp labels voice notes. */
export const OGG_OPUS = 'audio/ogg; codecs=opus';

const ALLOWED: Record<Exclude<MediaKind, 'document'>, ReadonlySet<string>> = {
  image: new Set(['image/jpeg', 'image/png', 'image/webp', 'image/gif']),
  sticker: new Set(['image/webp']),
  audio: new Set(['audio/aac', 'audio/mp4', 'audio/mpeg', 'audio/amr', 'audio/ogg', 'audio/webm']),
  video: new Set(['video/mp4', 'video/3gpp', 'video/webm']),
};

/**
 * Detected container types that hold several declared types: an old Office file is detected as a
 * compound file, an OOXML/OpenDocument file may be detected as a plain zip, an MP4 holding only
 * audio is labelled video/mp4.
 */
function containerHolds(detected: string, declared: string): boolean {
  switch (detected) {
    case 'application/x-cfb':
      return ['application/msword', 'application/vnd.ms-excel', 'application/vnd.ms-powerpoint', 'application/vnd.ms-outlook', 'application/vnd.visio', 'application/vnd.ms-project'].includes(declared);
    case 'application/zip':
      return (
        declared.startsWith('application/vnd.openxmlformats-officedocument.') ||
        declared.startsWith('application/vnd.oasis.opendocument.') ||
        ['application/epub+zip', 'application/java-archive', 'application/vnd.android.package-archive'].includes(declared)
      );
    case 'application/xml':
      return declared.endsWith('+xml');
    case 'application/ogg':
      return declared === 'audio/ogg' || declared === 'video/ogg';
    case 'video/mp4':
      return declared === 'audio/mp4';
    case 'video/3gpp':
      return declared === 'audio/3gpp';
    case 'video/webm':
      return declared === 'audio/webm';
    default:
      return false;
  }
}

/** Declared types that file-type always recognises: content it does not recognise contradicts them. */
const ALWAYS_DETECTED = new Set([
  'image/jpeg',
  'image/png',
  'image/webp',
  'image/gif',
  'audio/aac',
  'audio/mp4',
  'audio/mpeg',
  'audio/amr',
  'audio/ogg',
  'video/mp4',
  'video/3gpp',
  'video/webm',
  'audio/webm',
  'application/pdf',
  'application/zip',
  'application/x-cfb',
]);

export interface ParsedType {
  /** `type/subtype`, lower case, alias resolved. */
  essence: string;
  /** The charset parameter, kept for text types. */
  charset: string | null;
}

/** Parse a Content-Type value; undefined or garbage → the generic type. */
export function parseType(value: string | undefined): ParsedType {
  const [head = '', ...params] = (value ?? '').split(';');
  const raw = head.trim().toLowerCase();
  const essence = /^[a-z0-9][a-z0-9!#$&^_.+-]*\/[a-z0-9][a-z0-9!#$&^_.+-]*$/.test(raw) ? (ALIASES[raw] ?? raw) : 'application/octet-stream';
  let charset: string | null = null;
  for (const p of params) {
    const m = /^\s*charset\s*=\s*"?([a-z0-9._-]{1,40})"?\s*$/i.exec(p);
    if (m) charset = m[1]!.toLowerCase();
  }
  return { essence, charset };
}

/** True when the kind accepts this (alias-resolved) type. Documents accept any type. */
export function kindAllows(kind: MediaKind, essence: string): boolean {
  return kind === 'document' || ALLOWED[kind].has(essence);
}

/**
 * Before reading the body: refuse a declared type the kind never accepts.
 * A generic or missing type passes (the content decides).
 */
export function checkDeclaredType(kind: MediaKind, declared: string | undefined): void {
  const { essence } = parseType(declared);
  if (GENERIC.has(essence) || kindAllows(kind, essence)) return;
  throw new AppError('MEDIA_TYPE_UNSUPPORTED', `A ${kind} cannot be ${essence}.`, { kind, mimeType: essence });
}

/**
 * After reading the body: reconcile the declared type with the detected one (undefined when
 * file-type recognised nothing, as for plain text) and return the MIME type to store.
 * Throws MEDIA_TYPE_MISMATCH when the content contradicts the declared type and
 * MEDIA_TYPE_UNSUPPORTED when the kind does not accept the content's type.
 */
export function resolveMediaType(kind: MediaKind, declared: string | undefined, detected: string | undefined): string {
  const dec = parseType(declared);
  const generic = GENERIC.has(dec.essence);
  if (detected === undefined) {
    if (!generic && !kindAllows(kind, dec.essence)) throw new AppError('MEDIA_TYPE_UNSUPPORTED', `A ${kind} cannot be ${dec.essence}.`, { kind, mimeType: dec.essence });
    // Every type the other kinds accept is recognisable, so unrecognised content is not one of them.
    if (kind !== 'document') {
      if (generic) throw new AppError('MEDIA_TYPE_UNSUPPORTED', `The file is not a type a ${kind} accepts.`, { kind });
      throw new AppError('MEDIA_TYPE_MISMATCH', `The file content is not ${dec.essence}.`, { declared: dec.essence });
    }
    if (generic) return 'application/octet-stream';
    if (ALWAYS_DETECTED.has(dec.essence)) throw new AppError('MEDIA_TYPE_MISMATCH', `The file content is not ${dec.essence}.`, { declared: dec.essence });
    return dec.essence.startsWith('text/') && dec.charset ? `${dec.essence}; charset=${dec.charset}` : dec.essence;
  }

  const isOpus = detected === OGG_OPUS;
  const det = parseType(detected).essence;
  let stored: string;
  if (generic || dec.essence === det) stored = det;
  else if (containerHolds(det, dec.essence)) stored = dec.essence;
  else throw new AppError('MEDIA_TYPE_MISMATCH', `The file content is ${det}, not ${dec.essence}.`, { declared: dec.essence, detected: det });

  // An MP4 container sent as audio holds audio (file-type labels most MP4 brands video/mp4).
  if (kind === 'audio' && stored === 'video/mp4') stored = 'audio/mp4';
  if (kind === 'audio' && stored === 'video/webm') stored = 'audio/webm';
  if (!kindAllows(kind, stored)) throw new AppError('MEDIA_TYPE_UNSUPPORTED', `A ${kind} cannot be ${stored}.`, { kind, mimeType: stored });
  if (stored === 'audio/ogg') {
    if (!isOpus && kind === 'audio') throw new AppError('MEDIA_TYPE_UNSUPPORTED', 'Ogg audio must use the Opus codec.', { kind, mimeType: detected });
    if (isOpus) return OGG_OPUS;
  }
  return stored;
}
