/**
 * @module domain/api/message-types/media-param
 * A media object of a request (`{"id": …}` or `{"link": …}`, reference §3.4) → the Parley medium it
 * names. Used by the media message types and by interactive and template headers.
 */
import type { MediaKind } from '#contracts/models.js';
import { GraphError } from '../graph-error.js';
import { mediaOfApiId } from '../ids.js';
import { optionalString } from './check.js';
import type { BuildContext, Json } from './types.js';

export interface ResolvedMedia {
  /** The Parley media id. */
  mediaId: string;
}

/** Resolve `{id}`: an API media id of this WABA whose medium has the expected kind; otherwise 131009. */
export async function resolveMediaId(b: BuildContext, obj: Json, param: string, kind: MediaKind): Promise<ResolvedMedia> {
  const id = optionalString(obj, 'id', `${param}.id`);
  if (id === undefined) throw new GraphError(131008, `The parameter ${param}.id is required.`);
  const mediaId = /^\d{6,20}$/.test(id) ? await mediaOfApiId(b.ctx.db, b.num.wabaId, id) : null;
  const row = mediaId ? await b.ctx.db.selectFrom('media').select(['id', 'kind']).where('id', '=', mediaId).executeTakeFirst() : undefined;
  if (!row) throw new GraphError(131009, `Param ${param}.id does not name a medium of this business.`);
  if (row.kind !== kind) throw new GraphError(131009, `Param ${param}.id is a ${row.kind}, not a ${kind}.`);
  return { mediaId: row.id };
}
