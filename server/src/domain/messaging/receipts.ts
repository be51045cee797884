/**
 * @module domain/messaging/receipts
 * Delivery and read cursors per chat member. Delivered: the message reached at least one of the
 * member's devices. Read: the member saw it. A member with read receipts off neither sends read
 * receipts (their announced read cursor stays put) nor sees those of others.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../../errors.js';
import type { DB } from '../../tables.js';
import { prepared } from '../../platform/db/prepared.js';
import { nativeTx, watchedCache, type NativeTx } from '../../platform/db/native.js';
import type { Actor, Ctx } from '../../context.js';
import { accessChat, cachedMembers } from './chats.js';
import { appendUpdate, appendUpdateNow } from './updates.js';
import { chatLastSeq } from './messages.js';

const readReceiptsOf = prepared((db: Kysely<DB>, p) => db.selectFrom('accounts').select('read_receipts').where('id', '=', p('id')));

const advanceDelivered = prepared((db: Kysely<DB>, p) =>
  db
    .updateTable('chat_members')
    .set({ delivered_seq: p('seq') })
    .where('chat_id', '=', p('chatId'))
    .where('account_id', '=', p('accountId'))
    .where('delivered_seq', '<', p('seq'))
    .returning(['delivered_seq', 'receipt_read_seq']),
);

interface PendingDeliveries {
  /** accountId → chatId → highest message seq that reached a device of the account. */
  upTo: Map<string, Map<string, number>>;
  done: Promise<void>;
}

/** Deliveries waiting for the next write batch, per server (ctx). */
const pendingDeliveries = new WeakMap<Ctx, PendingDeliveries>();

/**
 * Record that messages up to `seq` in each chat reached a device of `accountId`. Called by the
 * gateway when a device acknowledges updates. Tells the other members.
 *
 * Coalesced: every call until the next write batch starts joins one write operation, which moves
 * each (member, chat) delivery cursor once, to the highest seq reported, and sends one receipt for
 * it (the cursors are cumulative, so the receipt says as much as several would). Resolves after
 * that operation committed.
 */
export function markDelivered(ctx: Ctx, accountId: string, upTo: Map<string, number>): Promise<void> {
  if (upTo.size === 0) return Promise.resolve();
  let pending = pendingDeliveries.get(ctx);
  if (!pending) {
    const batch = new Map<string, Map<string, number>>();
    const done = ctx.writes.run(async (tx, emit) => {
      // From now on, new deliveries go to the next operation (this one may run twice if its batch fails).
      if (pendingDeliveries.get(ctx)?.upTo === batch) pendingDeliveries.delete(ctx);
      const now = ctx.clock.now();
      // On the SQLite fast path the common case (settings and members in memory) runs without an await.
      const native = nativeTx(tx);
      for (const [reader, chats] of batch) {
        const readerReceipts = (native && cachedReadReceipts(native, reader)) ?? (await readReceiptsSetting(tx, reader));
        if (readerReceipts === null) continue;
        for (const [chatId, seq] of chats) {
          // Not a member (any more): skip this chat alone, the others of the batch still count.
          const cached = cachedMembers(chatId);
          const members = cached?.includes(reader) ? cached : await accessChat(tx, { accountId: reader }, chatId).catch(() => null);
          if (!members) continue;
          const [res] = native ? advanceDelivered.now(tx, { chatId, accountId: reader, seq }) : await advanceDelivered(tx, { chatId, accountId: reader, seq });
          if (!res) continue;
          for (const other of members) {
            if (other === reader) continue;
            const otherReceipts = readerReceipts && ((native && cachedReadReceipts(native, other)) ?? (await receiptsOn(tx, other)));
            const update = { type: 'chat.receipts' as const, chatId, accountId: reader, deliveredSeq: res.delivered_seq, readSeq: otherReceipts ? res.receipt_read_seq : 0 };
            if (native) appendUpdateNow(native, emit, other, update, now);
            else await appendUpdate(tx, emit, other, update, now);
          }
          const hooked = ctx.hooks.receiptsMoved(tx, emit, { chatId, memberIds: members, readerId: reader, deliveredSeq: res.delivered_seq, readSeq: res.receipt_read_seq, at: now });
          if (hooked) await hooked;
        }
      }
    });
    pending = { upTo: batch, done };
    pendingDeliveries.set(ctx, pending);
  }
  let chats = pending.upTo.get(accountId);
  if (!chats) pending.upTo.set(accountId, (chats = new Map()));
  for (const [chatId, seq] of upTo) chats.set(chatId, Math.max(chats.get(chatId) ?? 0, seq));
  return pending.done;
}

/**
 * An account's read-receipts setting, or null when there is no such account. Kept in memory on
 * the SQLite fast path (every delivery receipt needs it; a change of the setting drops the copy).
 */
async function readReceiptsSetting(tx: Kysely<DB>, accountId: string): Promise<boolean | null> {
  const native = nativeTx(tx);
  const cache = native && readReceiptsCache(native);
  const hit = cache?.get(accountId);
  if (hit !== undefined) return hit;
  const [row] = await readReceiptsOf(tx, { id: accountId });
  if (!row) return null;
  const on = row.read_receipts === 1;
  cache?.set(accountId, on);
  return on;
}

const readReceiptsCache = (native: NativeTx) => watchedCache<boolean>(native, 'accounts.read_receipts', 'accounts', ['read_receipts']);

/** The read-receipts setting when it is in memory (SQLite fast path), without an await; undefined otherwise. */
function cachedReadReceipts(native: NativeTx, accountId: string): boolean | undefined {
  return readReceiptsCache(native).get(accountId);
}

async function receiptsOn(tx: Kysely<DB>, accountId: string): Promise<boolean> {
  return (await readReceiptsSetting(tx, accountId)) === true;
}

/** Mark a chat read up to `seq` for the actor; their other devices and (receipts allowing) the sender learn of it. */
export async function markRead(ctx: Ctx, actor: Actor, chatId: string, seq: number): Promise<{ readSeq: number }> {
  await accessChat(ctx.db, actor, chatId);
  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const lastSeq = await chatLastSeq(tx, chatId);
    if (lastSeq === undefined) throw new AppError('CHAT_NOT_FOUND');
    if (seq > lastSeq) throw new AppError('VALIDATION_FAILED', `seq ${seq} is beyond the last message of this chat (${lastSeq}).`, { path: 'seq' });
    const me = await tx.selectFrom('chat_members').selectAll().where('chat_id', '=', chatId).where('account_id', '=', actor.accountId).executeTakeFirstOrThrow();
    if (seq <= me.read_seq) return { readSeq: me.read_seq };
    const receiptsOnForMe = await receiptsOn(tx, actor.accountId);
    const next = {
      read_seq: seq,
      delivered_seq: Math.max(me.delivered_seq, seq),
      receipt_read_seq: receiptsOnForMe ? Math.max(me.receipt_read_seq, seq) : me.receipt_read_seq,
    };
    await tx.updateTable('chat_members').set(next).where('chat_id', '=', chatId).where('account_id', '=', actor.accountId).execute();
    await appendUpdate(tx, emit, actor.accountId, { type: 'chat.receipts', chatId, accountId: actor.accountId, deliveredSeq: next.delivered_seq, readSeq: next.read_seq }, now);
    const announced = next.receipt_read_seq !== me.receipt_read_seq || next.delivered_seq !== me.delivered_seq;
    if (announced) {
      const members = await accessChat(tx, actor, chatId);
      for (const other of members) {
        if (other === actor.accountId) continue;
        const readSeq = receiptsOnForMe && (await receiptsOn(tx, other)) ? next.receipt_read_seq : 0;
        await appendUpdate(tx, emit, other, { type: 'chat.receipts', chatId, accountId: actor.accountId, deliveredSeq: next.delivered_seq, readSeq }, now);
      }
      await ctx.hooks.receiptsMoved(tx, emit, { chatId, memberIds: members, readerId: actor.accountId, deliveredSeq: next.delivered_seq, readSeq: next.receipt_read_seq, at: now });
    }
    return { readSeq: seq };
  });
}
