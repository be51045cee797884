/**
 * @module domain/media/service
 * Uploading media and deciding who may read it. Rules:
 * - an upload is stored once per content (blobs are content-addressed) but gets its own row and id;
 * - its type must be one the kind accepts, and the content must not contradict the declared type
 *   (see mime-policy.ts); its size must be within the kind's limit;
 * - media are visible to their uploader, to members of a chat holding a message with them (unless
 *   that message is withheld from the member), and as a profile photo to whoever may see that
 *   photo; everyone else is told the media does not exist.
 * Never imports fastify: the body arrives as a plain Node stream.
 */
import type { Readable } from 'node:stream';
import { MEDIA_KINDS, MEDIA_LIMITS, type Media, type MediaKind } from '#contracts/models.js';
import { AppError } from '../../errors.js';
import { newId } from '../../platform/ids.js';
import type { Actor, Ctx } from '../../context.js';
import type { Transaction } from 'kysely';
import type { DB, MediaTable } from '../../tables.js';
import { profilesFor } from '../accounts/index.js';
import { checkDeclaredType, resolveMediaType } from './mime-policy.js';
import { encryptedSize } from '../../../../packages/e2e/src/media.js';
import { commitBlob, detectType, discardTemp, receiveToTemp, removeBlob, type TempBlob } from './storage.js';

/** The largest upload of any kind (encrypted on the device included): what the HTTP layer lets through before the kind's own limit applies. */
export const MAX_MEDIA_BYTES = encryptedSize(Math.max(...Object.values(MEDIA_LIMITS)));

export function toMedia(row: MediaTable): Media {
  return { id: row.id, kind: row.kind, mimeType: row.mime_type, size: row.size, sha256: row.sha256, fileName: row.file_name, createdAt: row.created_at };
}

export function isMediaKind(value: string): value is MediaKind {
  return (MEDIA_KINDS as readonly string[]).includes(value);
}

/** A display file name: the last path segment, without control characters, at most 255 characters. */
export function cleanFileName(name: string | undefined): string | null {
  if (name === undefined) return null;
  // eslint-disable-next-line no-control-regex
  const base = (name.split(/[/\\]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim();
  if (base === '' || base === '.' || base === '..') return null;
  return [...base].slice(0, 255).join('');
}

export interface UploadInput {
  kind: MediaKind;
  /** The type the client declared (the Content-Type of the upload), if any. */
  declaredType?: string | undefined;
  fileName?: string | undefined;
  /** The announced length of the body (Content-Length), if any: an oversized upload fails before any byte is read. */
  declaredSize?: number | undefined;
  /** The file's bytes. On failure it may be left paused and part-read. */
  body: Readable;
  /** End-to-end encrypted medium (docs/adr/0007): ciphertext, declared as application/octet-stream, not sniffed. */
  encrypted?: boolean | undefined;
}

/** The stored type of an end-to-end encrypted medium. */
export const ENCRYPTED_MEDIA_TYPE = 'application/octet-stream';

/** The most bytes an upload of `kind` may have: the kind's limit; encrypted on the device, plus its tags (16 bytes a MiB). */
function limitOf(kind: MediaKind, encrypted: boolean | undefined): number {
  return encrypted ? encryptedSize(MEDIA_LIMITS[kind]) : MEDIA_LIMITS[kind];
}

/**
 * Store an upload for `actor` and return its Media. Leaves nothing behind on failure: no temp
 * file, no row, and no blob that this call created.
 */
export async function uploadMedia(ctx: Ctx, actor: Actor, input: UploadInput): Promise<Media> {
  if (!isMediaKind(input.kind)) throw new AppError('VALIDATION_FAILED', `Unknown media kind "${String(input.kind)}".`, { path: 'kind' });
  const limit = limitOf(input.kind, input.encrypted);
  if (!input.encrypted) checkDeclaredType(input.kind, input.declaredType);
  else if (input.declaredType?.split(';')[0]?.trim().toLowerCase() !== ENCRYPTED_MEDIA_TYPE) {
    throw new AppError('MEDIA_TYPE_UNSUPPORTED', `An encrypted ${input.kind} is uploaded as ${ENCRYPTED_MEDIA_TYPE}.`, { kind: input.kind });
  }
  if (input.declaredSize !== undefined && input.declaredSize > limit) {
    throw new AppError('MEDIA_TOO_LARGE', `A ${input.kind} may be at most ${limit} bytes.`, { limit });
  }
  const temp = await receiveToTemp(ctx.mediaDir, input.body, limit);
  try {
    return await storeReceived(ctx, actor, { kind: input.kind, declaredType: input.declaredType, fileName: input.fileName, temp, encrypted: input.encrypted });
  } finally {
    await discardTemp(temp);
  }
}

/** A file received in full into a temp file (receiveUpload), not yet accepted. */
export type ReceivedFile = TempBlob;

/**
 * Stream a file into a temp file, at most `limit` bytes (MEDIA_TOO_LARGE past it). The caller
 * accepts it with storeReceived or drops it with discardReceived.
 */
export async function receiveUpload(ctx: Ctx, body: Readable, limit: number): Promise<ReceivedFile> {
  return receiveToTemp(ctx.mediaDir, body, limit);
}

/** Delete a received file that was not stored (safe to call twice). */
export async function discardReceived(file: ReceivedFile): Promise<void> {
  await discardTemp(file);
}

/** The MIME type recognised from a received file's first bytes, if any. */
export async function detectReceivedType(file: ReceivedFile): Promise<string | undefined> {
  return detectType(file.path);
}

/**
 * Accept a received file as a medium of `kind` uploaded by `actor`: the kind's type policy and
 * size limit apply as for uploadMedia. The temp file is left for the caller to discard. Leaves no
 * row and no blob created by this call on failure.
 */
export async function storeReceived(
  ctx: Ctx,
  actor: Actor,
  input: {
    kind: MediaKind;
    declaredType?: string | undefined;
    fileName?: string | undefined;
    temp: ReceivedFile;
    /** End-to-end encrypted ciphertext: stored as application/octet-stream, not sniffed. */
    encrypted?: boolean | undefined;
    /** Runs in the transaction that inserts the media row (e.g. to record an id for it); if it throws, nothing is stored. */
    inWrite?: ((tx: Transaction<DB>, media: Media) => Promise<void>) | undefined;
  },
): Promise<Media> {
  const { temp } = input;
  const limit = limitOf(input.kind, input.encrypted);
  if (temp.size > limit) throw new AppError('MEDIA_TOO_LARGE', `A ${input.kind} may be at most ${limit} bytes.`, { limit });
  if (temp.size === 0) throw new AppError('VALIDATION_FAILED', 'The file is empty.', { path: 'body' });
  const mimeType = input.encrypted ? ENCRYPTED_MEDIA_TYPE : resolveMediaType(input.kind, input.declaredType, await detectType(temp.path));
  const created = await commitBlob(ctx.mediaDir, temp);
  const row: MediaTable = {
    id: newId('med'),
    sha256: temp.sha256,
    kind: input.kind,
    mime_type: mimeType,
    size: temp.size,
    file_name: cleanFileName(input.fileName),
    uploader_id: actor.accountId,
    created_at: ctx.clock.now(),
  };
  try {
    await ctx.writes.run(async (tx) => {
      await tx.insertInto('media').values(row).execute();
      if (input.inWrite) await input.inWrite(tx, toMedia(row));
    });
  } catch (err) {
    if (created) await removeBlobIfUnused(ctx, temp.sha256).catch(() => undefined);
    throw err;
  }
  ctx.log.debug({ msg: 'media.uploaded', mediaId: row.id, kind: row.kind, size: row.size, deduplicated: !created });
  return toMedia(row);
}

/** Delete a blob no media row names (another upload of the same bytes may have just claimed it). */
async function removeBlobIfUnused(ctx: Ctx, sha256: string): Promise<void> {
  const used = await ctx.db.selectFrom('media').select('id').where('sha256', '=', sha256).limit(1).executeTakeFirst();
  if (!used) await removeBlob(ctx.mediaDir, sha256);
}

/** Load media the actor may see; MEDIA_NOT_FOUND otherwise, whether or not it exists. */
export async function accessMedia(ctx: Ctx, actor: Actor, mediaId: string): Promise<Media> {
  const row = await ctx.db.selectFrom('media').selectAll().where('id', '=', mediaId).executeTakeFirst();
  if (!row) throw new AppError('MEDIA_NOT_FOUND');
  if (row.uploader_id === actor.accountId) return toMedia(row);

  const inChat = await ctx.db
    .selectFrom('messages as m')
    .innerJoin('chat_members as cm', 'cm.chat_id', 'm.chat_id')
    .select('m.id')
    .where('m.media_id', '=', mediaId)
    .where('cm.account_id', '=', actor.accountId)
    .where((eb) => eb.or([eb('m.withheld', '=', 0), eb('m.sender_id', '=', actor.accountId)]))
    .limit(1)
    .executeTakeFirst();
  if (inChat) return toMedia(row);

  // A profile photo: visible when the owner's photo privacy shows it to this viewer (accounts decides).
  const owners = await ctx.db.selectFrom('accounts').select('id').where('photo_media_id', '=', mediaId).limit(20).execute();
  if (owners.length > 0) {
    const profiles = await profilesFor(
      ctx.db,
      actor.accountId,
      owners.map((o) => o.id),
    );
    for (const p of profiles.values()) if (p.photoMediaId === mediaId) return toMedia(row);
  }
  throw new AppError('MEDIA_NOT_FOUND');
}
