/**
 * @module domain/accounts/blocks
 * Blocking and reporting. A block is one row; what it does elsewhere is decided where it matters:
 * messages from the blocked person are withheld and sending to them is refused (messaging), and
 * profiles and presence hide photo, about and last seen both ways (./relations.ts, presence).
 */
import type { Transaction } from 'kysely';
import type { PublicProfile } from '#contracts/models.js';
import { AppError } from '../../errors.js';
import { newId } from '../../platform/ids.js';
import { accountTopic, type Actor, type Ctx } from '../../context.js';
import type { DB } from '../../tables.js';
import { profilesFor } from './relations.js';

export const REPORT_REASON_MAX = 500;

/** The accounts the actor blocked, most recently blocked first. */
export async function listBlocked(ctx: Ctx, actor: Actor): Promise<PublicProfile[]> {
  const rows = await ctx.db.selectFrom('blocks').select('blocked_id').where('blocker_id', '=', actor.accountId).orderBy('created_at', 'desc').orderBy('blocked_id').execute();
  const profiles = await profilesFor(ctx.db, actor.accountId, rows.map((r) => r.blocked_id));
  return rows.flatMap((r) => profiles.get(r.blocked_id) ?? []);
}

/** Block an account (no-op when already blocked). CANNOT_BLOCK_SELF, ACCOUNT_NOT_FOUND. */
export async function blockAccount(ctx: Ctx, actor: Actor, accountId: string): Promise<void> {
  if (accountId === actor.accountId) throw new AppError('CANNOT_BLOCK_SELF');
  await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    if (await doBlock(tx, actor.accountId, accountId, now)) {
      await ctx.hooks.feedback(tx, emit, { kind: 'block', fromId: actor.accountId, aboutId: accountId, chatId: null, at: now });
    }
    emit({ topic: accountTopic(actor.accountId), event: { kind: 'account.changed' } });
  });
}

/** Insert the block row; call inside a write op. True when the block is new (false: it already existed). */
export async function doBlock(tx: Transaction<DB>, blockerId: string, blockedId: string, now: number): Promise<boolean> {
  const target = await tx.selectFrom('accounts').select('id').where('id', '=', blockedId).executeTakeFirst();
  if (!target) throw new AppError('ACCOUNT_NOT_FOUND');
  const res = await tx
    .insertInto('blocks')
    .values({ blocker_id: blockerId, blocked_id: blockedId, created_at: now })
    .onConflict((oc) => oc.columns(['blocker_id', 'blocked_id']).doNothing())
    .executeTakeFirst();
  return Number(res.numInsertedOrUpdatedRows ?? 0n) > 0;
}

/** Unblock an account; succeeds also when it was not blocked. Messages withheld meanwhile stay withheld. */
export async function unblockAccount(ctx: Ctx, actor: Actor, accountId: string): Promise<void> {
  await ctx.writes.run(async (tx, emit) => {
    const res = await tx.deleteFrom('blocks').where('blocker_id', '=', actor.accountId).where('blocked_id', '=', accountId).executeTakeFirst();
    if (Number(res.numDeletedRows) > 0) emit({ topic: accountTopic(actor.accountId), event: { kind: 'account.changed' } });
  });
}

/** Delete the block row; call inside a write op. True when there was one. */
export async function doUnblock(tx: Transaction<DB>, blockerId: string, blockedId: string): Promise<boolean> {
  const res = await tx.deleteFrom('blocks').where('blocker_id', '=', blockerId).where('blocked_id', '=', blockedId).executeTakeFirst();
  return Number(res.numDeletedRows) > 0;
}

export interface ReportInput {
  accountId: string;
  /** The chat the report is about; both people must be in it. */
  chatId?: string | undefined;
  reason: string;
  /** Also block the account, in the same write. */
  block?: boolean | undefined;
}

/** Record a report for moderators (and, when asked, block). ACCOUNT_NOT_FOUND, CHAT_NOT_FOUND, CANNOT_BLOCK_SELF. */
export async function reportAccount(ctx: Ctx, actor: Actor, input: ReportInput): Promise<{ id: string }> {
  if (input.accountId === actor.accountId) {
    if (input.block) throw new AppError('CANNOT_BLOCK_SELF');
    throw new AppError('VALIDATION_FAILED', 'You cannot report yourself.', { field: 'body.accountId' });
  }
  const reason = input.reason.trim();
  if (reason.length > REPORT_REASON_MAX) throw new AppError('VALIDATION_FAILED', `reason must be at most ${REPORT_REASON_MAX} characters.`, { field: 'body.reason' });
  const report = await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const target = await tx.selectFrom('accounts').select('id').where('id', '=', input.accountId).executeTakeFirst();
    if (!target) throw new AppError('ACCOUNT_NOT_FOUND');
    if (input.chatId !== undefined) {
      const members = await tx
        .selectFrom('chat_members')
        .select('account_id')
        .where('chat_id', '=', input.chatId)
        .where('account_id', 'in', [actor.accountId, input.accountId])
        .execute();
      if (members.length !== 2) throw new AppError('CHAT_NOT_FOUND', 'No such chat, or you and the reported person are not both in it.');
    }
    const id = newId('rep');
    await tx.insertInto('reports').values({ id, reporter_id: actor.accountId, reported_id: input.accountId, chat_id: input.chatId ?? null, reason, created_at: now }).execute();
    await ctx.hooks.feedback(tx, emit, { kind: 'report', fromId: actor.accountId, aboutId: input.accountId, chatId: input.chatId ?? null, at: now });
    if (input.block) {
      if (await doBlock(tx, actor.accountId, input.accountId, now)) {
        await ctx.hooks.feedback(tx, emit, { kind: 'block', fromId: actor.accountId, aboutId: input.accountId, chatId: input.chatId ?? null, at: now });
      }
      emit({ topic: accountTopic(actor.accountId), event: { kind: 'account.changed' } });
    }
    return { id };
  });
  ctx.log.info({ msg: 'account.reported', reportId: report.id, reporterId: actor.accountId, reportedId: input.accountId, blocked: input.block === true });
  return report;
}
