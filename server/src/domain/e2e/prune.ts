/**
 * @module domain/e2e/prune
 * Housekeeping of the delivery service (run by the maintenance worker): a chat's stored commits are
 * needed only by a device that has not applied them yet. A commit is deleted once every current
 * device of the chat has acknowledged its `e2e.commit` record (its update-log cursor is past it)
 * and no pending welcome joins before it; any commit or unconfirmed welcome older than
 * PARLEY_E2E_RETENTION_DAYS is deleted regardless.
 */
import type { Ctx } from '../../context.js';
import { activeDevices } from './directory.js';

const DAY = 86_400_000;

/**
 * The first epoch a chat's devices may still need from the stored commits: the epoch of the
 * oldest `e2e.commit` record a device has not acknowledged, and the epoch after each pending
 * welcome (a joining device applies the commits after it). Infinity: none is needed.
 */
async function neededFrom(ctx: Ctx, chatId: string): Promise<number> {
  const members = (await ctx.db.selectFrom('chat_members').select('account_id').where('chat_id', '=', chatId).execute()).map((m) => m.account_id);
  let from = Infinity;
  for (const d of await activeDevices(ctx.db, members)) {
    const cursor = await ctx.db.selectFrom('devices').select('acked_seq').where('id', '=', d.deviceId).executeTakeFirst();
    const unacked = await ctx.db
      .selectFrom('updates')
      .select('data')
      .where('account_id', '=', d.accountId)
      .where('seq', '>', Number(cursor?.acked_seq ?? 0))
      .where('type', '=', 'e2e.commit')
      .where('chat_id', '=', chatId)
      .orderBy('seq')
      .limit(1)
      .executeTakeFirst();
    if (unacked?.data) from = Math.min(from, Number((JSON.parse(unacked.data) as { epoch: number }).epoch));
  }
  const welcome = await ctx.db.selectFrom('e2e_welcomes').select((eb) => eb.fn.min<number>('epoch').as('epoch')).where('chat_id', '=', chatId).executeTakeFirst();
  if (welcome?.epoch !== null && welcome?.epoch !== undefined) from = Math.min(from, Number(welcome.epoch) + 1);
  return from;
}

/** Delete the commits no current device needs and what is past the retention period. */
export async function pruneE2e(ctx: Ctx): Promise<{ commitsPruned: number; welcomesPruned: number }> {
  const cutoff = ctx.clock.now() - ctx.config.PARLEY_E2E_RETENTION_DAYS * DAY;
  let commitsPruned = 0;
  const chats = await ctx.db.selectFrom('e2e_commits').select('chat_id').distinct().execute();
  for (const { chat_id: chatId } of chats) {
    const from = await neededFrom(ctx, chatId);
    const res = await ctx.writes.run((tx) => {
      const q = tx.deleteFrom('e2e_commits').where('chat_id', '=', chatId);
      return (from === Infinity ? q : q.where((eb) => eb.or([eb('created_at', '<', cutoff), eb('epoch', '<', from)]))).executeTakeFirst();
    });
    commitsPruned += Number(res.numDeletedRows);
  }
  const welcomes = await ctx.writes.run((tx) => tx.deleteFrom('e2e_welcomes').where('created_at', '<', cutoff).executeTakeFirst());
  return { commitsPruned, welcomesPruned: Number(welcomes.numDeletedRows) };
}
