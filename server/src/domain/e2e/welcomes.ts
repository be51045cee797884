/**
 * @module domain/e2e/welcomes
 * Welcomes kept for the device they add until it confirms it joined: a device that missed its
 * `e2e.welcome` record (acknowledged without processing it, or offline past the update log's
 * retention) fetches its pending welcomes and joins. Only the addressed device reads or
 * acknowledges them; a newer welcome into the same chat supersedes an older one; unconfirmed
 * welcomes expire after PARLEY_E2E_RETENTION_DAYS (see prune.ts).
 */
import type { Transaction } from 'kysely';
import type { Actor, Ctx } from '../../context.js';
import { newId } from '../../platform/ids.js';
import type { DB } from '../../tables.js';

export interface PendingWelcome {
  id: string;
  chatId: string;
  /** The epoch the device joins at (apply the chat's commits after it). */
  epoch: number;
  /** The MLS welcome, base64. */
  welcome: string;
  createdAt: number;
}

/** Keep a welcome for `deviceId`, replacing any older one into the same chat. Call inside a write op; returns its id. */
export async function keepWelcome(tx: Transaction<DB>, w: { chatId: string; deviceId: string; accountId: string; epoch: number; data: string; now: number }): Promise<string> {
  await tx.deleteFrom('e2e_welcomes').where('device_id', '=', w.deviceId).where('chat_id', '=', w.chatId).execute();
  const id = newId('wel');
  await tx.insertInto('e2e_welcomes').values({ id, chat_id: w.chatId, device_id: w.deviceId, account_id: w.accountId, epoch: w.epoch, data: w.data, created_at: w.now }).execute();
  return id;
}

/** Forget every welcome kept for a device (revoked, or its signature key changed). Call inside a write op. */
export async function dropWelcomes(tx: Transaction<DB>, deviceId: string): Promise<void> {
  await tx.deleteFrom('e2e_welcomes').where('device_id', '=', deviceId).execute();
}

/** The calling device's welcomes it has not confirmed yet, oldest first (at most 100). */
export async function pendingWelcomes(ctx: Ctx, actor: Actor): Promise<{ welcomes: PendingWelcome[] }> {
  const rows = await ctx.db.selectFrom('e2e_welcomes').selectAll().where('device_id', '=', actor.deviceId).orderBy('created_at').orderBy('id').limit(100).execute();
  return { welcomes: rows.map((r) => ({ id: r.id, chatId: r.chat_id, epoch: Number(r.epoch), welcome: r.data, createdAt: Number(r.created_at) })) };
}

/** The calling device joined from (or gave up on) these welcomes: forget them. Ids of other devices' welcomes are ignored. */
export async function acknowledgeWelcomes(ctx: Ctx, actor: Actor, ids: string[]): Promise<{ acknowledged: number }> {
  return ctx.writes.run(async (tx) => {
    const res = await tx.deleteFrom('e2e_welcomes').where('device_id', '=', actor.deviceId).where('id', 'in', ids).executeTakeFirst();
    return { acknowledged: Number(res.numDeletedRows) };
  });
}
