/**
 * @module domain/admin/review
 * The administrators' review of verification requests: the queue, the documents of a request
 * (readable by administrators only through this module), approval (sets the badge) and rejection
 * with a reason. The business's devices hear `business.changed` (area 'verification').
 */
import type { AdminVerification } from '#contracts/business-profile.js';
import type { Media } from '#contracts/models.js';
import { AppError } from '../../errors.js';
import type { Ctx } from '../../context.js';
import { toMedia } from '../media/index.js';
import { notifyBusinessChanged } from '../messaging/index.js';
import { checkText, toVerificationRequest } from '../business/index.js';
import { BUSINESS_LIMITS } from '#contracts/business-profile.js';
import type { AdminActor } from './admins.js';

export type ReviewStatus = 'pending' | 'approved' | 'rejected';

/** Requests with `status` (oldest first for the pending queue, newest first otherwise), at most 200. */
export async function listVerifications(ctx: Ctx, _admin: AdminActor, status: ReviewStatus): Promise<AdminVerification[]> {
  const rows = await ctx.db
    .selectFrom('business_verifications as v')
    .innerJoin('accounts as a', 'a.id', 'v.account_id')
    .innerJoin('business_profiles as b', 'b.account_id', 'v.account_id')
    .selectAll('v')
    .select(['a.phone', 'b.name as business_name', 'b.category', 'b.verified_at'])
    .where('v.status', '=', status)
    .orderBy('v.created_at', status === 'pending' ? 'asc' : 'desc')
    .orderBy('v.id')
    .limit(200)
    .execute();
  const mediaIds = [...new Set(rows.flatMap((r) => JSON.parse(r.document_media_ids) as string[]))];
  const media = mediaIds.length ? await ctx.db.selectFrom('media').selectAll().where('id', 'in', mediaIds).execute() : [];
  const byId = new Map(media.map((m) => [m.id, m]));
  return rows.map((r) => {
    const req = toVerificationRequest(r);
    return {
      ...req,
      accountId: r.account_id,
      phone: r.phone,
      businessName: r.business_name,
      category: r.category,
      verified: r.verified_at !== null,
      documents: req.documentMediaIds.flatMap((id) => {
        const m = byId.get(id);
        return m ? [{ mediaId: m.id, kind: m.kind, mimeType: m.mime_type, size: m.size, fileName: m.file_name }] : [];
      }),
    };
  });
}

/** A document of a verification request, for an administrator; VERIFICATION_NOT_FOUND when the media is not part of the request. */
export async function accessVerificationDocument(ctx: Ctx, _admin: AdminActor, requestId: string, mediaId: string): Promise<Media> {
  const req = await ctx.db.selectFrom('business_verifications').select('document_media_ids').where('id', '=', requestId).executeTakeFirst();
  if (!req || !(JSON.parse(req.document_media_ids) as string[]).includes(mediaId)) throw new AppError('VERIFICATION_NOT_FOUND');
  const row = await ctx.db.selectFrom('media').selectAll().where('id', '=', mediaId).executeTakeFirst();
  if (!row) throw new AppError('MEDIA_NOT_FOUND');
  return toMedia(row);
}

async function review(ctx: Ctx, admin: AdminActor, requestId: string, outcome: 'approved' | 'rejected', reason: string | null): Promise<void> {
  await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const req = await tx.selectFrom('business_verifications').select(['account_id', 'status']).where('id', '=', requestId).executeTakeFirst();
    if (!req) throw new AppError('VERIFICATION_NOT_FOUND');
    if (req.status !== 'pending') throw new AppError('VERIFICATION_NOT_PENDING', undefined, { status: req.status });
    await tx.updateTable('business_verifications').set({ status: outcome, reason, reviewed_by: admin.adminId, reviewed_at: now }).where('id', '=', requestId).execute();
    if (outcome === 'approved') await tx.updateTable('business_profiles').set({ verified_at: now }).where('account_id', '=', req.account_id).execute();
    await notifyBusinessChanged(tx, emit, req.account_id, 'verification', now);
  });
  ctx.log.info({ msg: `verification.${outcome}`, requestId, adminId: admin.adminId });
}

/** Approve a pending request: the business gets the verified badge. */
export async function approveVerification(ctx: Ctx, admin: AdminActor, requestId: string): Promise<void> {
  await review(ctx, admin, requestId, 'approved', null);
}

/** Reject a pending request with a reason the business will read (1–500 characters). */
export async function rejectVerification(ctx: Ctx, admin: AdminActor, requestId: string, reason: string): Promise<void> {
  const text = checkText(reason, 'reason', BUSINESS_LIMITS.rejectReason, { required: true });
  await review(ctx, admin, requestId, 'rejected', text);
}
