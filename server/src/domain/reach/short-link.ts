/**
 * @module domain/reach/short-link
 * The business's short link `/l/{code}`: opens a chat with the business with an editable
 * prefilled text (≤ 140 characters). The code is random (72 bits) and unguessable; resetting it
 * replaces it, and the old code stops resolving at once. Created on first use. The same route also
 * resolves the prefilled-message QR codes of the business's API number (domain/api/manage/qr).
 */
import { randomBytes } from 'node:crypto';
import type { Transaction } from 'kysely';
import QRCode from 'qrcode';
import { PREFILLED_TEXT_MAX, type LinkTarget, type ShortLink } from '#contracts/reach.js';
import { AppError } from '../../errors.js';
import type { Actor, Ctx } from '../../context.js';
import type { BusinessShortLinksTable, DB } from '../../tables.js';
import { notifyBusinessChanged } from '../messaging/index.js';
import { accessBusinessAccount } from '../business/index.js';

export const SHORT_LINK_AREA = 'short-link';

/** A fresh link code: 9 random bytes, URL-safe (12 characters). */
export function newLinkCode(): string {
  return randomBytes(9).toString('base64url');
}

function toShortLink(row: BusinessShortLinksTable, baseUrl: string): ShortLink {
  const path = `/l/${row.code}`;
  return { code: row.code, path, url: `${baseUrl}${path}`, prefilledText: row.prefilled_text, updatedAt: row.updated_at };
}

/** Trimmed prefilled text, or PREFILLED_TEXT_TOO_LONG (counted in characters, not UTF-16 units). */
export function checkPrefilledText(text: string): string {
  const v = text.trim();
  const length = [...v].length;
  if (length > PREFILLED_TEXT_MAX) {
    throw new AppError('PREFILLED_TEXT_TOO_LONG', `The prefilled text may be at most ${PREFILLED_TEXT_MAX} characters; this one has ${length}.`, { max: PREFILLED_TEXT_MAX, length });
  }
  return v;
}

async function ensureLink(tx: Transaction<DB>, accountId: string, now: number): Promise<BusinessShortLinksTable> {
  const row = await tx.selectFrom('business_short_links').selectAll().where('account_id', '=', accountId).executeTakeFirst();
  if (row) return row;
  const created: BusinessShortLinksTable = { account_id: accountId, code: newLinkCode(), prefilled_text: '', created_at: now, updated_at: now };
  await tx.insertInto('business_short_links').values(created).execute();
  return created;
}

/** The business's link (created the first time it is asked for). */
export async function getShortLink(ctx: Ctx, actor: Actor, baseUrl: string): Promise<ShortLink> {
  await accessBusinessAccount(ctx.db, actor);
  const existing = await ctx.db.selectFrom('business_short_links').selectAll().where('account_id', '=', actor.accountId).executeTakeFirst();
  if (existing) return toShortLink(existing, baseUrl);
  const row = await ctx.writes.run(async (tx) => ensureLink(tx, actor.accountId, ctx.clock.now()));
  return toShortLink(row, baseUrl);
}

/** Change the prefilled text (empty: no text). */
export async function updateShortLinkText(ctx: Ctx, actor: Actor, text: string, baseUrl: string): Promise<ShortLink> {
  const prefilled = checkPrefilledText(text);
  await accessBusinessAccount(ctx.db, actor);
  const row = await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const current = await ensureLink(tx, actor.accountId, now);
    await tx.updateTable('business_short_links').set({ prefilled_text: prefilled, updated_at: now }).where('account_id', '=', actor.accountId).execute();
    await notifyBusinessChanged(tx, emit, actor.accountId, SHORT_LINK_AREA, now);
    return { ...current, prefilled_text: prefilled, updated_at: now };
  });
  return toShortLink(row, baseUrl);
}

/** Replace the code: the old link stops working at once. The prefilled text is kept. */
export async function resetShortLink(ctx: Ctx, actor: Actor, baseUrl: string): Promise<ShortLink> {
  await accessBusinessAccount(ctx.db, actor);
  const row = await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const current = await ensureLink(tx, actor.accountId, now);
    const code = newLinkCode();
    await tx.updateTable('business_short_links').set({ code, updated_at: now }).where('account_id', '=', actor.accountId).execute();
    await notifyBusinessChanged(tx, emit, actor.accountId, SHORT_LINK_AREA, now);
    return { ...current, code, updated_at: now };
  });
  return toShortLink(row, baseUrl);
}

/** Public: the business a code leads to (signed in or not), or LINK_NOT_FOUND. */
export async function resolveShortLink(ctx: Ctx, code: string): Promise<LinkTarget> {
  const row = await ctx.db
    .selectFrom('business_short_links')
    .innerJoin('accounts', 'accounts.id', 'business_short_links.account_id')
    .innerJoin('business_profiles', 'business_profiles.account_id', 'business_short_links.account_id')
    .select([
      'accounts.id',
      'accounts.phone',
      'accounts.kind',
      'business_profiles.name',
      'business_profiles.verified_at',
      'business_profiles.photo_media_id',
      'business_short_links.prefilled_text',
    ])
    .where('business_short_links.code', '=', code)
    .executeTakeFirst();
  // Not the business's own link: maybe a prefilled-message QR code of its API number (each with its own text).
  const apiCode = row
    ? undefined
    : await ctx.db
        .selectFrom('api_qr_codes as q')
        .innerJoin('accounts', 'accounts.id', 'q.account_id')
        .innerJoin('business_profiles', 'business_profiles.account_id', 'q.account_id')
        .select([
          'accounts.id',
          'accounts.phone',
          'accounts.kind',
          'business_profiles.name',
          'business_profiles.verified_at',
          'business_profiles.photo_media_id',
          'q.prefilled_message as prefilled_text',
        ])
        .where('q.code', '=', code)
        .executeTakeFirst();
  return toLinkTarget(row ?? apiCode);
}

function toLinkTarget(
  row: { id: string; phone: string; kind: string; name: string; verified_at: number | null; photo_media_id: string | null; prefilled_text: string } | undefined,
): LinkTarget {
  if (!row || row.kind !== 'business') throw new AppError('LINK_NOT_FOUND');
  return {
    businessId: row.id,
    phone: row.phone,
    name: row.name,
    verified: row.verified_at !== null,
    photoMediaId: row.photo_media_id,
    prefilledText: row.prefilled_text,
  };
}

export type QrFormat = 'png' | 'svg';

/** The QR code of the business's link, as PNG bytes or SVG text. */
export async function shortLinkQr(ctx: Ctx, actor: Actor, baseUrl: string, format: QrFormat): Promise<{ link: ShortLink; data: Buffer | string }> {
  const link = await getShortLink(ctx, actor, baseUrl);
  const opts = { errorCorrectionLevel: 'M' as const, margin: 2 };
  const data = format === 'png' ? await QRCode.toBuffer(link.url, { ...opts, type: 'png', width: 512 }) : await QRCode.toString(link.url, { ...opts, type: 'svg' });
  return { link, data };
}
