/**
 * @module domain/automation/quick-replies
 * Saved replies a business inserts in the composer by typing `/shortcut`.
 * Rules: shortcut of letters, digits, _ and - (1..24, unique per business regardless of case);
 * text 1..4096; optional media the business itself uploaded; at most 50 per business.
 */
import type { Kysely, Transaction } from 'kysely';
import { MAX_QUICK_REPLIES, QUICK_REPLY_SHORTCUT_PATTERN, QUICK_REPLY_TEXT_MAX, type QuickReply } from '#contracts/automation.js';
import { AppError } from '../../errors.js';
import { newId } from '../../platform/ids.js';
import type { Actor, Ctx } from '../../context.js';
import type { DB, QuickRepliesTable } from '../../tables.js';
import { notifyBusinessChanged } from '../messaging/index.js';
import { accessBusiness } from './business.js';

const SHORTCUT = new RegExp(QUICK_REPLY_SHORTCUT_PATTERN);

export interface QuickReplyInput {
  shortcut: string;
  text: string;
  mediaId?: string | null | undefined;
}

function checkShortcut(raw: string): string {
  const shortcut = raw.startsWith('/') ? raw.slice(1) : raw;
  if (!SHORTCUT.test(shortcut)) {
    throw new AppError('VALIDATION_FAILED', 'A shortcut is 1 to 24 letters, digits, _ or -.', { field: 'shortcut' });
  }
  return shortcut;
}

function checkText(text: string): string {
  if (text.trim() === '' || text.length > QUICK_REPLY_TEXT_MAX) {
    throw new AppError('VALIDATION_FAILED', `The text of a quick reply is 1 to ${QUICK_REPLY_TEXT_MAX} characters.`, { field: 'text' });
  }
  return text;
}

async function toQuickReplies(db: Kysely<DB>, rows: QuickRepliesTable[]): Promise<QuickReply[]> {
  const mediaIds = rows.map((r) => r.media_id).filter((m): m is string => !!m);
  const media = mediaIds.length ? await db.selectFrom('media').select(['id', 'kind', 'mime_type', 'file_name']).where('id', 'in', mediaIds).execute() : [];
  const byId = new Map(media.map((m) => [m.id, m]));
  return rows.map((r) => {
    const m = r.media_id ? byId.get(r.media_id) : undefined;
    return {
      id: r.id,
      shortcut: r.shortcut,
      text: r.text,
      media: m ? { id: m.id, kind: m.kind, mimeType: m.mime_type, fileName: m.file_name } : null,
      createdAt: Number(r.created_at),
      updatedAt: Number(r.updated_at),
    };
  });
}

async function checkMediaOwned(tx: Transaction<DB>, businessId: string, mediaId: string): Promise<void> {
  const media = await tx.selectFrom('media').select('id').where('id', '=', mediaId).where('uploader_id', '=', businessId).executeTakeFirst();
  if (!media) throw new AppError('MEDIA_NOT_FOUND', 'A quick reply may only carry media this business uploaded.');
}

async function checkShortcutFree(tx: Transaction<DB>, businessId: string, shortcut: string, exceptId?: string): Promise<void> {
  let q = tx.selectFrom('quick_replies').select('id').where('business_id', '=', businessId).where('shortcut_key', '=', shortcut.toLowerCase());
  if (exceptId) q = q.where('id', '!=', exceptId);
  if (await q.executeTakeFirst()) throw new AppError('QUICK_REPLY_SHORTCUT_TAKEN', `The shortcut /${shortcut} is already used.`, { shortcut });
}

export async function listQuickReplies(ctx: Ctx, actor: Actor): Promise<{ quickReplies: QuickReply[] }> {
  const businessId = await accessBusiness(ctx.db, actor);
  const rows = await ctx.db.selectFrom('quick_replies').selectAll().where('business_id', '=', businessId).orderBy('shortcut_key').execute();
  return { quickReplies: await toQuickReplies(ctx.db, rows) };
}

export async function createQuickReply(ctx: Ctx, actor: Actor, input: QuickReplyInput): Promise<QuickReply> {
  const businessId = await accessBusiness(ctx.db, actor);
  const shortcut = checkShortcut(input.shortcut);
  const text = checkText(input.text);
  const row = await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const { n } = await tx
      .selectFrom('quick_replies')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('business_id', '=', businessId)
      .executeTakeFirstOrThrow();
    if (Number(n) >= MAX_QUICK_REPLIES) throw new AppError('QUICK_REPLIES_FULL', undefined, { limit: MAX_QUICK_REPLIES });
    await checkShortcutFree(tx, businessId, shortcut);
    if (input.mediaId) await checkMediaOwned(tx, businessId, input.mediaId);
    const row: QuickRepliesTable = {
      id: newId('qr'),
      business_id: businessId,
      shortcut,
      shortcut_key: shortcut.toLowerCase(),
      text,
      media_id: input.mediaId ?? null,
      created_at: now,
      updated_at: now,
    };
    await tx.insertInto('quick_replies').values(row).execute();
    await notifyBusinessChanged(tx, emit, businessId, 'quick_replies', now);
    return row;
  });
  return (await toQuickReplies(ctx.db, [row]))[0]!;
}

export async function updateQuickReply(ctx: Ctx, actor: Actor, id: string, input: Partial<QuickReplyInput>): Promise<QuickReply> {
  const businessId = await accessBusiness(ctx.db, actor);
  const shortcut = input.shortcut !== undefined ? checkShortcut(input.shortcut) : undefined;
  const text = input.text !== undefined ? checkText(input.text) : undefined;
  const row = await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const row = await tx.selectFrom('quick_replies').selectAll().where('id', '=', id).where('business_id', '=', businessId).executeTakeFirst();
    if (!row) throw new AppError('QUICK_REPLY_NOT_FOUND');
    if (shortcut !== undefined) await checkShortcutFree(tx, businessId, shortcut, id);
    if (input.mediaId) await checkMediaOwned(tx, businessId, input.mediaId);
    const next: QuickRepliesTable = {
      ...row,
      ...(shortcut !== undefined ? { shortcut, shortcut_key: shortcut.toLowerCase() } : {}),
      ...(text !== undefined ? { text } : {}),
      ...(input.mediaId !== undefined ? { media_id: input.mediaId } : {}),
      updated_at: now,
    };
    await tx.updateTable('quick_replies').set({ shortcut: next.shortcut, shortcut_key: next.shortcut_key, text: next.text, media_id: next.media_id, updated_at: now }).where('id', '=', id).execute();
    await notifyBusinessChanged(tx, emit, businessId, 'quick_replies', now);
    return next;
  });
  return (await toQuickReplies(ctx.db, [row]))[0]!;
}

export async function deleteQuickReply(ctx: Ctx, actor: Actor, id: string): Promise<void> {
  const businessId = await accessBusiness(ctx.db, actor);
  await ctx.writes.run(async (tx, emit) => {
    const res = await tx.deleteFrom('quick_replies').where('id', '=', id).where('business_id', '=', businessId).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw new AppError('QUICK_REPLY_NOT_FOUND');
    await notifyBusinessChanged(tx, emit, businessId, 'quick_replies', ctx.clock.now());
  });
}
