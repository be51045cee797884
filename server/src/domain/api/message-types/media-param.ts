/**
 * @module domain/api/message-types/media-param
 * A media object of a request (`{"id": …}` or `{"link": …}`, reference §3.4) → the Parley medium it
 * names. Used by the media message types and by interactive and template headers.
 */
import type { MediaKind } from '#contracts/models.js';
import { GraphError } from '../graph-error.js';
import { mediaOfApiId } from '../ids.js';
import { checkLink, fetchLinkMedia } from '../media-fetch.js';
import { optionalString } from './check.js';
import type { BuildContext, Json } from './types.js';

export interface ResolvedMedia {
  /** The Parley media id. */
  mediaId: string;
  /** The medium's own file name (an upload's, or the link's last path segment), if any. */
  fileName: string | null;
  mimeType: string;
}

/** Resolve `{id}`: an API media id of this WABA whose medium has the expected kind; otherwise 131009. */
export async function resolveMediaId(b: BuildContext, obj: Json, param: string, kind: MediaKind): Promise<ResolvedMedia> {
  const id = optionalString(obj, 'id', `${param}.id`);
  if (id === undefined) throw new GraphError(131008, `The parameter ${param}.id is required.`);
  const mediaId = /^\d{6,20}$/.test(id) ? await mediaOfApiId(b.ctx.db, b.num.wabaId, id) : null;
  const row = mediaId ? await b.ctx.db.selectFrom('media').select(['id', 'kind', 'file_name', 'mime_type']).where('id', '=', mediaId).executeTakeFirst() : undefined;
  if (!row) throw new GraphError(131009, `Param ${param}.id does not name a medium of this business.`);
  if (row.kind !== kind) throw new GraphError(131009, `Param ${param}.id is a ${row.kind}, not a ${kind}.`);
  return { mediaId: row.id, fileName: row.file_name, mimeType: row.mime_type };
}

/**
 * Which of `id` / `link` a media object carries (exactly one): 131008 when neither, 100 when both,
 * 131009 for a link that is not an http/https URL. Checks only; fetches nothing.
 */
export function mediaSource(obj: Json, param: string): { id: string } | { link: string } {
  const id = optionalString(obj, 'id', `${param}.id`);
  const link = optionalString(obj, 'link', `${param}.link`);
  if (id !== undefined && link !== undefined) throw new GraphError(100, `Param ${param} must have either id or link, not both.`);
  if (id !== undefined) return { id };
  if (link === undefined) throw new GraphError(131008, `The parameter ${param}.id or ${param}.link is required.`);
  checkLink(link, `${param}.link`);
  return { link };
}

/**
 * Resolve `{link}` now (the caller waits for the fetch): the medium is fetched, checked for the
 * kind and stored as the business's. An unusable link → 131053 (reference §3.4, the sync form).
 */
export async function resolveMediaLink(b: BuildContext, obj: Json, param: string, kind: MediaKind): Promise<ResolvedMedia> {
  const link = optionalString(obj, 'link', `${param}.link`);
  if (link === undefined) throw new GraphError(131008, `The parameter ${param}.link is required.`);
  checkLink(link, `${param}.link`);
  const media = await fetchLinkMedia(b.ctx, b.num, link, kind);
  return { mediaId: media.id, fileName: media.fileName, mimeType: media.mimeType };
}

/**
 * Resolve a media object with `id` or `link` (exactly one), fetching a link synchronously: for
 * interactive and template headers. The caller checks the object's other keys.
 */
export async function resolveMedia(b: BuildContext, obj: Json, param: string, kind: MediaKind): Promise<ResolvedMedia> {
  const source = mediaSource(obj, param);
  return 'id' in source ? resolveMediaId(b, obj, param, kind) : resolveMediaLink(b, obj, param, kind);
}
