/**
 * @module domain/business/verification
 * A business asks for the verified badge: a legal name and 1 to 5 documents (images or documents it
 * uploaded). One request may wait for review at a time; platform administrators review them
 * (domain/admin). The badge itself is business_profiles.verified_at.
 */
import { sql, type Transaction } from 'kysely';
import { BUSINESS_LIMITS, type VerificationRequest, type VerificationState } from '#contracts/business-profile.js';
import { AppError } from '../../errors.js';
import { newId } from '../../platform/ids.js';
import type { Actor, Ctx } from '../../context.js';
import type { BusinessVerificationsTable, DB } from '../../tables.js';
import { notifyBusinessChanged } from '../messaging/index.js';
import { accessOwnBusiness, checkText } from './profile.js';

const DOCUMENT_KINDS = new Set(['image', 'document']);

export function toVerificationRequest(row: BusinessVerificationsTable): VerificationRequest {
  return {
    id: row.id,
    legalName: row.legal_name,
    documentMediaIds: JSON.parse(row.document_media_ids) as string[],
    status: row.status as VerificationRequest['status'],
    reason: row.reason,
    createdAt: row.created_at,
    reviewedAt: row.reviewed_at,
  };
}

export interface VerificationInput {
  legalName: string;
  documentMediaIds: string[];
}

/** Each document must be an image or a document the business uploaded itself. */
async function checkDocuments(tx: Transaction<DB>, accountId: string, ids: string[]): Promise<void> {
  const rows = await tx.selectFrom('media').select(['id', 'kind', 'uploader_id']).where('id', 'in', ids).execute();
  for (const [i, id] of ids.entries()) {
    const field = `documentMediaIds[${i}]`;
    const media = rows.find((r) => r.id === id);
    if (!media || media.uploader_id !== accountId) throw new AppError('MEDIA_NOT_FOUND', `${field}: no such media among your uploads.`, { field });
    if (!DOCUMENT_KINDS.has(media.kind)) throw new AppError('MEDIA_KIND_MISMATCH', `${field}: a verification document must be an image or a document; this media is ${media.kind}.`, { field });
  }
}

/** Submit a verification request; VERIFICATION_PENDING while an earlier one waits for review. */
export async function submitVerification(ctx: Ctx, actor: Actor, input: VerificationInput): Promise<VerificationState> {
  const legalName = checkText(input.legalName, 'legalName', BUSINESS_LIMITS.legalName, { singleLine: true, required: true });
  const ids = [...new Set(input.documentMediaIds)];
  if (ids.length < 1 || ids.length > BUSINESS_LIMITS.documents) {
    throw new AppError('VALIDATION_FAILED', `documentMediaIds must name 1 to ${BUSINESS_LIMITS.documents} different media.`, { field: 'documentMediaIds' });
  }
  await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    await accessOwnBusiness(tx, actor);
    const pending = await tx.selectFrom('business_verifications').select('id').where('account_id', '=', actor.accountId).where('status', '=', 'pending').executeTakeFirst();
    if (pending) throw new AppError('VERIFICATION_PENDING', undefined, { requestId: pending.id });
    await checkDocuments(tx, actor.accountId, ids);
    await tx
      .insertInto('business_verifications')
      .values({ id: newId('bvr'), account_id: actor.accountId, legal_name: legalName, document_media_ids: JSON.stringify(ids), status: 'pending', reason: null, reviewed_by: null, reviewed_at: null, created_at: now })
      .execute();
    await notifyBusinessChanged(tx, emit, actor.accountId, 'verification', now);
  });
  return getVerificationState(ctx, actor);
}

/**
 * The actor's verification state: 'approved' while the badge shows, else the state of the latest
 * request ('pending' or 'rejected' with its reason), else 'none' (also after a name change removed
 * the badge).
 */
export async function getVerificationState(ctx: Ctx, actor: Actor): Promise<VerificationState> {
  const profile = await accessOwnBusiness(ctx.db, actor);
  const latest = await ctx.db
    .selectFrom('business_verifications')
    .selectAll()
    .where('account_id', '=', actor.accountId)
    // A pending request is always the latest (a new one needs none pending); among reviewed ones,
    // the last submitted, then the last reviewed (timestamps can tie within a millisecond).
    .orderBy(sql`case when status = 'pending' then 0 else 1 end`)
    .orderBy('created_at', 'desc')
    .orderBy('reviewed_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const request = latest ? toVerificationRequest(latest) : null;
  const verified = profile.verified_at !== null;
  let status: VerificationState['status'] = 'none';
  if (verified) status = 'approved';
  else if (request && request.status !== 'approved') status = request.status;
  return { status, verified, reason: status === 'rejected' ? (request?.reason ?? null) : null, request };
}
