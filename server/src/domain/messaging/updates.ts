/**
 * @module domain/messaging/updates
 * The per-account update log: every change a device must learn about (a message, an edit, a
 * receipt, a chat setting) gets the next sequence number of each account concerned, in the same
 * transaction as the change. Devices resume from the last seq they acknowledged and get exactly
 * what they missed, in order; live delivery is the same records published after commit.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Update } from '#contracts/protocol.js';
import { AppError } from '../../errors.js';
import { accountTopic, type Ctx, type Envelope } from '../../context.js';
import type { Emit } from '../../platform/db/write-queue.js';
import { prepared } from '../../platform/db/prepared.js';
import { bumpCounter, deferInsert, nativeTx, type NativeTx } from '../../platform/db/native.js';
import type { DB, MessagesTable, UpdatesTable } from '../../tables.js';
import { reactionsOf, toMessage } from './views.js';

const nextUpdateSeq = prepared((db: Kysely<DB>, p) =>
  db
    .updateTable('accounts')
    .set((eb) => ({ update_seq: eb('update_seq', '+', 1) }))
    .where('id', '=', p('accountId'))
    .returning('update_seq'),
);

const insertUpdate = prepared((db: Kysely<DB>, p) =>
  db.insertInto('updates').values({
    account_id: p('account_id'),
    seq: p('seq'),
    type: p('type'),
    chat_id: p('chat_id'),
    message_id: p('message_id'),
    data: p('data'),
    created_at: p('created_at'),
  }),
);

const UPDATE_COLUMNS = ['account_id', 'seq', 'type', 'chat_id', 'message_id', 'data', 'created_at'] as const;

/**
 * SQLite fast path: the account's update_seq is kept in memory (the write queue is the only
 * writer) and written back once per transaction; the log rows go in with multi-row inserts just
 * before COMMIT. Same rows, same transaction, far fewer statements than one UPDATE … RETURNING
 * and one INSERT per update.
 */
function nextUpdateSeqNative(t: NativeTx, accountId: string): number {
  const seq = bumpCounter(
    t,
    `u:${accountId}`,
    () => (t.sqlite.prepare('select "update_seq" from "accounts" where "id" = ?').get(accountId) as { update_seq: number } | undefined)?.update_seq,
    (value) => t.sqlite.prepare('update "accounts" set "update_seq" = ? where "id" = ?').run(value, accountId),
  );
  if (seq === undefined) throw new Error(`appendUpdate: no account ${accountId}`);
  return seq;
}

/** The JSON text of an update, kept on the object itself (a symbol key: JSON.stringify skips it; cheaper for the GC than a WeakMap). */
const JSON_TEXT = Symbol('json');

/**
 * `JSON.stringify(update)`, computed once per update object: the log row of a receipt stores the
 * same text the gateway sends, and an update appended to several accounts is one object.
 */
export function updateJson(update: Update): string {
  const holder = update as Update & { [JSON_TEXT]?: string };
  let text = holder[JSON_TEXT];
  if (text === undefined) holder[JSON_TEXT] = text = JSON.stringify(update);
  return text;
}

/**
 * Append `update` to the log of `accountId` and queue its live delivery. Call inside a write op.
 * Hot paths that hold the SQLite fast path's transaction use {@link appendUpdateNow} (no await).
 */
export async function appendUpdate(tx: Transaction<DB>, emit: Emit<Envelope>, accountId: string, update: Update, now: number): Promise<number> {
  const native = nativeTx(tx);
  if (native) return appendUpdateNow(native, emit, accountId, update, now);
  const isMessage = update.type === 'message.created' || update.type === 'message.updated';
  const messageId = isMessage ? update.message.id : null;
  const data = isMessage ? null : updateJson(update);
  const [next] = await nextUpdateSeq(tx, { accountId });
  if (!next) throw new Error(`appendUpdate: no account ${accountId}`);
  const seq = next.update_seq;
  const row: UpdatesTable = { account_id: accountId, seq, type: update.type, chat_id: update.chatId, message_id: messageId, data, created_at: now };
  await insertUpdate(tx, row as unknown as Record<string, unknown>);
  emit({ topic: accountTopic(accountId), event: { kind: 'update', seq, update } });
  return seq;
}

/** {@link appendUpdate} on the SQLite fast path (`nativeTx(tx)`), without an await. */
export function appendUpdateNow(native: NativeTx, emit: Emit<Envelope>, accountId: string, update: Update, now: number): number {
  const isMessage = update.type === 'message.created' || update.type === 'message.updated';
  const seq = nextUpdateSeqNative(native, accountId);
  deferInsert(native, 'updates', UPDATE_COLUMNS, [accountId, seq, update.type, update.chatId, isMessage ? update.message.id : null, isMessage ? null : updateJson(update), now]);
  emit({ topic: accountTopic(accountId), event: { kind: 'update', seq, update } });
  return seq;
}

export interface StoredUpdate {
  seq: number;
  update: Update;
}

/**
 * Updates of an account after `after`, oldest first, at most `limit`. Message updates carry the
 * message as it is now (so a replay converges on a fresh fetch). Throws RESYNC_REQUIRED when
 * records after `after` were already pruned.
 */
export async function readUpdates(db: Kysely<DB>, accountId: string, after: number, limit: number): Promise<StoredUpdate[]> {
  const rows = await db
    .selectFrom('updates')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('seq', '>', after)
    .orderBy('seq', 'asc')
    .limit(limit)
    .execute();
  if (rows.length > 0 && rows[0]!.seq !== after + 1) {
    throw new AppError('RESYNC_REQUIRED', undefined, { oldestSeq: rows[0]!.seq });
  }
  if (rows.length === 0) {
    const acc = await db.selectFrom('accounts').select('update_seq').where('id', '=', accountId).executeTakeFirst();
    if (acc && acc.update_seq < after) throw new AppError('VALIDATION_FAILED', `Cursor ${after} is ahead of this account's updates (${acc.update_seq}).`);
    if (acc && acc.update_seq > after) throw new AppError('RESYNC_REQUIRED', undefined, { oldestSeq: null });
  }
  const messageIds = [...new Set(rows.filter((r) => r.message_id).map((r) => r.message_id!))];
  const messages = new Map<string, MessagesTable>();
  if (messageIds.length) {
    for (const m of await db.selectFrom('messages').selectAll().where('id', 'in', messageIds).execute()) messages.set(m.id, m);
  }
  const reactions = await reactionsOf(db, messageIds);
  const out: StoredUpdate[] = [];
  for (const r of rows) {
    if (r.message_id) {
      const m = messages.get(r.message_id);
      if (!m) continue;
      out.push({ seq: r.seq, update: { type: r.type as 'message.created' | 'message.updated', chatId: m.chat_id, message: toMessage(m, reactions.get(m.id) ?? []) } });
    } else if (r.data) {
      out.push({ seq: r.seq, update: JSON.parse(r.data) as Update });
    }
  }
  return out;
}

export async function currentUpdateSeq(db: Kysely<DB>, accountId: string): Promise<number> {
  const row = await db.selectFrom('accounts').select('update_seq').where('id', '=', accountId).executeTakeFirst();
  return row?.update_seq ?? 0;
}

const advanceDeviceAck = prepared((db: Kysely<DB>, p) =>
  db.updateTable('devices').set({ acked_seq: p('seq') }).where('id', '=', p('deviceId')).where('acked_seq', '<', p('seq')),
);

/** Remember how far a device got (for operators and pruning); cheap and idempotent. */
export async function recordDeviceAck(ctx: Ctx, deviceId: string, seq: number): Promise<void> {
  // Through the write queue: it joins the next group commit instead of paying its own fsync.
  await ctx.writes.run(async (tx) => {
    await advanceDeviceAck(tx, { deviceId, seq });
  });
}

/** Delete update records older than the retention period. */
export async function pruneUpdates(ctx: Ctx): Promise<number> {
  const cutoff = ctx.clock.now() - ctx.config.PARLEY_UPDATE_RETENTION_DAYS * 86_400_000;
  const res = await ctx.db.deleteFrom('updates').where('created_at', '<', cutoff).executeTakeFirst();
  return Number(res.numDeletedRows);
}

/** Tell every device of `accountId` that its business state of `area` changed (labels, quick replies, …). Call inside a write op. */
export async function notifyBusinessChanged(tx: Transaction<DB>, emit: Emit<Envelope>, accountId: string, area: string, now: number): Promise<number> {
  return appendUpdate(tx, emit, accountId, { type: 'business.changed', chatId: null, area }, now);
}
