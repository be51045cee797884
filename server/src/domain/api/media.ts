/**
 * @module domain/api/media
 * Media of the Cloud-API-compatible layer (reference §5): upload (`POST /{pnid}/media`), retrieve
 * (`GET /{media_id}`: metadata and a short-lived signed download URL), delete, and the download
 * itself. Media are ordinary Parley media uploaded by the business account (domain/media: streamed
 * to a temp file, content-addressed, type detected from the bytes); the API media id is a graph
 * node of kind 'media' of the WABA (ids.ts apiMediaId). On top of Parley's own type policy the API
 * applies WhatsApp's stricter list per kind (§5.5). Never imports fastify.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { MEDIA_LIMITS, type Media, type MediaKind } from '#contracts/models.js';
import type { Actor, Ctx } from '../../context.js';
import { AppError } from '../../errors.js';
import { detectReceivedType, discardReceived, MAX_MEDIA_BYTES, parseType, receiveUpload, resolveMediaType, storeReceived, toMedia, type ReceivedFile } from '../media/index.js';
import { GraphError, unknownNode } from './graph-error.js';
import { apiMediaId } from './ids.js';
import { accessPhoneNumber, requireScope } from './send.js';
import type { ApiPrincipal } from './setup.js';

/** The MIME types the API accepts per kind (reference §5.5); aliases are resolved first (image/jpg, video/3gp …). */
export const API_MEDIA_TYPES: Record<MediaKind, readonly string[]> = {
  audio: ['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'],
  document: [
    'text/plain',
    'application/pdf',
    'application/msword',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.ms-excel',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
    'application/vnd.ms-powerpoint',
    'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  ],
  image: ['image/jpeg', 'image/png'],
  sticker: ['image/webp'],
  video: ['video/mp4', 'video/3gpp'],
};

/** Largest medium per kind (§5.5); a static sticker: 100 KB, an animated one: 500 KB (the kind's limit). */
export const API_MEDIA_LIMITS: Record<MediaKind, number> = { ...MEDIA_LIMITS };
export const STATIC_STICKER_MAX = 100 * 1024;

const GENERIC = new Set(['application/octet-stream', 'binary/octet-stream', 'application/unknown']);

/** The kind the API files a MIME type under, or null when it takes no such type. */
export function apiKindOf(mimeType: string): MediaKind | null {
  const { essence } = parseType(mimeType);
  for (const kind of Object.keys(API_MEDIA_TYPES) as MediaKind[]) if (API_MEDIA_TYPES[kind].includes(essence)) return kind;
  return null;
}

function allowedList(kind: MediaKind): string {
  return API_MEDIA_TYPES[kind].join(', ');
}

const ALL_TYPES = [...new Set(Object.values(API_MEDIA_TYPES).flat())].join(', ');

/** Parley's media errors met while accepting a file, in Graph terms (131053, reference §4.2). */
export function mediaGraphError(err: unknown): unknown {
  if (err instanceof AppError) {
    if (err.code === 'MEDIA_TOO_LARGE' || err.code === 'MEDIA_TYPE_UNSUPPORTED' || err.code === 'MEDIA_TYPE_MISMATCH') return new GraphError(131053, err.message);
    if (err.code === 'VALIDATION_FAILED') return new GraphError(131053, err.message);
  }
  return err;
}

/** True when a WebP file is animated (its VP8X header has the animation flag). */
async function isAnimatedWebp(file: ReceivedFile): Promise<boolean> {
  const h = await open(file.path, 'r');
  try {
    const buf = Buffer.alloc(21);
    const { bytesRead } = await h.read(buf, 0, 21, 0);
    return bytesRead === 21 && buf.toString('latin1', 12, 16) === 'VP8X' && (buf[20]! & 0x02) !== 0;
  } finally {
    await h.close();
  }
}

/**
 * Check a received file against the API's policy for `kind` (the bytes must be a type the API
 * takes for the kind, within its size) and return the MIME type that will be stored. Throws 131053.
 */
export async function checkApiMedia(kind: MediaKind, declared: string | undefined, file: ReceivedFile): Promise<string> {
  if (file.size === 0) throw new GraphError(131053, 'The file is empty.');
  if (file.size > API_MEDIA_LIMITS[kind]) throw new GraphError(131053, `A ${kind} may be at most ${API_MEDIA_LIMITS[kind]} bytes; this file has ${file.size}.`);
  let stored: string;
  try {
    stored = resolveMediaType(kind, declared, await detectReceivedType(file));
  } catch (err) {
    throw mediaGraphError(err);
  }
  if (!API_MEDIA_TYPES[kind].includes(parseType(stored).essence)) {
    throw new GraphError(131053, `A ${kind} must be one of ${allowedList(kind)}; this file is ${parseType(stored).essence}.`);
  }
  if (kind === 'sticker' && file.size > STATIC_STICKER_MAX && !(await isAnimatedWebp(file))) {
    throw new GraphError(131053, `A static sticker may be at most ${STATIC_STICKER_MAX} bytes; this file has ${file.size}.`);
  }
  return stored;
}

/** Store a received file, already checked, as a medium of the business. */
export async function storeApiMedia(
  ctx: Ctx,
  accountId: string,
  input: { kind: MediaKind; declaredType: string | undefined; fileName: string | undefined; file: ReceivedFile; wabaIdForNode?: string | undefined },
): Promise<{ media: Media; apiId: string | null }> {
  const actor: Actor = { accountId, deviceId: 'api' };
  let apiId: string | null = null;
  const media = await storeReceived(ctx, actor, {
    kind: input.kind,
    declaredType: input.declaredType,
    fileName: input.fileName,
    temp: input.file,
    inWrite: input.wabaIdForNode
      ? async (tx, m) => {
          apiId = await apiMediaId(tx, input.wabaIdForNode!, m.id, ctx.clock.now());
        }
      : undefined,
  }).catch((err: unknown) => {
    throw mediaGraphError(err);
  });
  return { media, apiId };
}

// ---- upload -------------------------------------------------------------------------------------

/** One part of a multipart/form-data body, as the HTTP layer hands it over (in body order). */
export type UploadPart = { type: 'field'; name: string; value: string } | { type: 'file'; name: string; fileName: string | undefined; mimeType: string | undefined; stream: Readable };

/**
 * `POST /{pnid}/media` (§5.1): `file`, `messaging_product` (form or query) and an optional `type`
 * (else the file part's own Content-Type), in any order. Returns the new API media id.
 * Nothing is stored for a rejected upload.
 */
export async function uploadApiMedia(ctx: Ctx, principal: ApiPrincipal, phoneNumberId: string, query: { messaging_product?: unknown }, parts: AsyncIterable<UploadPart>): Promise<{ id: string }> {
  const num = await accessPhoneNumber(ctx, principal, phoneNumberId, 'POST');
  requireScope(principal, 'messaging');
  let product = typeof query.messaging_product === 'string' ? query.messaging_product : undefined;
  let type: string | undefined;
  let file: { received: ReceivedFile; fileName: string | undefined; partType: string | undefined } | undefined;
  try {
    for await (const part of parts) {
      if (part.type === 'field') {
        if (part.name === 'messaging_product') product = part.value;
        else if (part.name === 'type') type = part.value;
        else if (part.name === 'file') throw new GraphError(100, 'Param file must be a file upload, not a text field.');
        // Other fields (ttl_minutes …) are accepted and ignored.
        continue;
      }
      if (part.name !== 'file') throw new GraphError(100, `Unexpected file part "${part.name.slice(0, 40)}": the file goes in the part named file.`);
      if (file) throw new GraphError(100, 'Send one file per upload.');
      // The kind's limit applies while streaming when the declared type is already known.
      const early = type !== undefined ? apiKindOf(type) : null;
      const received = await receiveUpload(ctx, part.stream, early ? API_MEDIA_LIMITS[early] : MAX_MEDIA_BYTES).catch((err: unknown) => {
        throw mediaGraphError(err);
      });
      file = { received, fileName: part.fileName, partType: part.mimeType };
    }

    if (product === undefined) throw new GraphError(100, 'The parameter messaging_product is required.', { message: '(#100) The parameter messaging_product is required.' });
    if (product !== 'whatsapp') throw new GraphError(100, 'Param messaging_product must be "whatsapp".');
    if (!file) throw new GraphError(131008, 'The parameter file is required.');

    const declared = type ?? file.partType;
    const essence = parseType(declared).essence;
    let kind = GENERIC.has(essence) ? null : apiKindOf(essence);
    if (!kind && GENERIC.has(essence)) {
      const detected = await detectReceivedType(file.received);
      // An MP4 container is filed as video unless declared otherwise.
      kind = detected ? apiKindOf(detected) : null;
    }
    if (!kind) throw new GraphError(131053, `Param file must be a file with one of the following types: ${ALL_TYPES}. Received ${essence}.`);
    await checkApiMedia(kind, declared, file.received);
    const { apiId } = await storeApiMedia(ctx, num.accountId, { kind, declaredType: declared, fileName: file.fileName, file: file.received, wabaIdForNode: num.wabaId });
    ctx.log.debug({ msg: 'api.media.uploaded', wabaId: num.wabaId, kind });
    return { id: apiId! };
  } finally {
    if (file) await discardReceived(file.received);
  }
}

// ---- retrieve, delete ---------------------------------------------------------------------------

/** A media node as the Graph dispatcher found it (kind 'media', of the token's WABA). */
export interface MediaNode {
  id: string;
  ref: string;
  wabaId: string;
}

/** With `?phone_number_id=`, the call fails unless that number is one of the medium's WABA. */
async function checkNumberFilter(ctx: Ctx, principal: ApiPrincipal, node: MediaNode, phoneNumberId: string | undefined, method: string): Promise<void> {
  if (phoneNumberId === undefined) return;
  const num = await accessPhoneNumber(ctx, principal, phoneNumberId, method).catch(() => null);
  if (!num || num.wabaId !== node.wabaId) throw unknownNode(method, node.id);
}

export interface ApiMediaView {
  messaging_product: 'whatsapp';
  url: string;
  mime_type: string;
  sha256: string;
  file_size: number;
  id: string;
}

/** `GET /{media_id}` (§5.2): metadata and a signed download URL under `baseUrl`. */
export async function getApiMedia(ctx: Ctx, principal: ApiPrincipal, node: MediaNode, phoneNumberId: string | undefined, baseUrl: string): Promise<ApiMediaView> {
  requireScope(principal, 'messaging');
  await checkNumberFilter(ctx, principal, node, phoneNumberId, 'GET');
  const row = await ctx.db.selectFrom('media').selectAll().where('id', '=', node.ref).executeTakeFirst();
  if (!row) throw unknownNode('GET', node.id);
  return { messaging_product: 'whatsapp', url: signedMediaUrl(ctx, baseUrl, node.id), mime_type: row.mime_type, sha256: row.sha256, file_size: Number(row.size), id: node.id };
}

/**
 * `DELETE /{media_id}` (§5.4): the id stops working on the API (GET, download URLs, sends by id);
 * messages already sent keep their medium. The node keeps its row (ids are never reused).
 */
export async function deleteApiMedia(ctx: Ctx, principal: ApiPrincipal, node: MediaNode, phoneNumberId: string | undefined): Promise<{ success: true }> {
  requireScope(principal, 'messaging');
  await checkNumberFilter(ctx, principal, node, phoneNumberId, 'DELETE');
  await ctx.writes.run(async (tx) => {
    await tx.updateTable('graph_nodes').set({ kind: 'deleted_media' }).where('id', '=', node.id).where('kind', '=', 'media').execute();
  });
  return { success: true };
}

// ---- signed download URLs (§5.3) ----------------------------------------------------------------

/** Path of the download route: like Meta's lookaside URL, routed by path whatever the Host. */
export const MEDIA_DOWNLOAD_PATH = '/whatsapp_business/attachments/';

/** A random key per process when PARLEY_MEDIA_URL_SECRET is empty. */
const processKey = randomBytes(32);

function urlKey(ctx: Ctx): Buffer | string {
  return ctx.config.PARLEY_MEDIA_URL_SECRET || processKey;
}

function signature(ctx: Ctx, mid: string, ext: string): string {
  return createHmac('sha256', urlKey(ctx)).update(`parley-media-url\n${mid}\n${ext}`).digest('base64url');
}

/** `<base>/whatsapp_business/attachments/?mid=…&ext=<unix seconds>&hash=…`, valid PARLEY_MEDIA_URL_TTL_SECONDS. */
export function signedMediaUrl(ctx: Ctx, baseUrl: string, apiId: string): string {
  const ext = String(Math.floor(ctx.clock.now() / 1000) + ctx.config.PARLEY_MEDIA_URL_TTL_SECONDS);
  return `${baseUrl.replace(/\/+$/, '')}${MEDIA_DOWNLOAD_PATH}?mid=${apiId}&ext=${ext}&hash=${signature(ctx, apiId, ext)}`;
}

/**
 * The medium a download URL names, when its signature is right, it has not expired and its API
 * id still exists (not deleted); null otherwise. The URL authorises by itself: no token needed.
 */
export async function mediaOfSignedUrl(ctx: Ctx, q: { mid?: unknown; ext?: unknown; hash?: unknown }): Promise<Media | null> {
  const { mid, ext, hash } = q;
  if (typeof mid !== 'string' || typeof ext !== 'string' || typeof hash !== 'string') return null;
  if (!/^\d{6,20}$/.test(mid) || !/^\d{1,12}$/.test(ext) || !/^[\w-]{43}$/.test(hash)) return null;
  const expected = Buffer.from(signature(ctx, mid, ext));
  if (!timingSafeEqual(expected, Buffer.from(hash))) return null;
  if (Number(ext) * 1000 < ctx.clock.now()) return null;
  const row = await ctx.db
    .selectFrom('graph_nodes as g')
    .innerJoin('media as m', 'm.id', 'g.ref')
    .selectAll('m')
    .where('g.id', '=', mid)
    .where('g.kind', '=', 'media')
    .executeTakeFirst();
  return row ? toMedia(row) : null;
}
