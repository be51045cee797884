/**
 * @module domain/messaging/chats
 * Chats and their members: opening a direct chat, access checks, the chat list, per-member
 * settings (archive, pin, mute). A direct chat's members never change, so they are cached.
 */
import type { Kysely, Transaction } from 'kysely';
import type { Chat, ChatMemberState } from '#contracts/models.js';
import { AppError } from '../../errors.js';
import { newId } from '../../platform/ids.js';
import type { Actor, Ctx } from '../../context.js';
import type { ChatMembersTable, DB } from '../../tables.js';
import { profilesFor, tryNormalizePhone } from '../accounts/index.js';
import { appendUpdate } from './updates.js';
import { withReactions } from './views.js';
import { prepared } from '../../platform/db/prepared.js';
import { nativeTx, type NativeTx } from '../../platform/db/native.js';

/** chatId → member account ids. Chat ids are random and never reused, so one cache serves every database. */
const memberCache = new Map<string, string[]>();

/** The member ids of a chat when they are in memory (no read, no await); undefined otherwise. */
export function cachedMembers(chatId: string): string[] | undefined {
  return memberCache.get(chatId);
}

/** Reads of members in progress outside a transaction, by chat: concurrent misses share one read. */
const memberReads = new Map<string, Promise<string[]>>();

/** Account ids of a chat's members (cached; direct chats never change members). */
export async function chatMembers(db: Kysely<DB>, chatId: string): Promise<string[]> {
  const hit = memberCache.get(chatId);
  if (hit) return hit;
  // Inside a transaction, read there (it may hold a chat created in it); outside, join a read in flight.
  if (db.isTransaction) return readMembers(db, chatId);
  let reading = memberReads.get(chatId);
  if (!reading) {
    reading = readMembers(db, chatId).finally(() => memberReads.delete(chatId));
    memberReads.set(chatId, reading);
  }
  return reading;
}

async function readMembers(db: Kysely<DB>, chatId: string): Promise<string[]> {
  const rows = await db.selectFrom('chat_members').select('account_id').where('chat_id', '=', chatId).orderBy('account_id').execute();
  const ids = rows.map((r) => r.account_id);
  if (ids.length > 0) cacheMembers(chatId, ids);
  return ids;
}

/** Remember a chat's member ids (sorted, as readMembers returns them). */
function cacheMembers(chatId: string, ids: string[]): void {
  if (memberCache.size > 100_000) memberCache.clear();
  memberCache.set(chatId, ids);
}

/** The members of a chat the actor is in, or CHAT_NOT_FOUND (also when the chat exists but the actor is not a member). */
export async function accessChat(db: Kysely<DB>, actor: { accountId: string }, chatId: string): Promise<string[]> {
  const members = await chatMembers(db, chatId);
  if (!members.includes(actor.accountId)) throw new AppError('CHAT_NOT_FOUND');
  return members;
}

function directKey(a: string, b: string): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

const accountById = prepared((db: Kysely<DB>, p) => db.selectFrom('accounts').select('id').where('id', '=', p('id')));
const accountByPhone = prepared((db: Kysely<DB>, p) => db.selectFrom('accounts').select('id').where('phone', '=', p('phone')));
const chatByDirectKey = prepared((db: Kysely<DB>, p) => db.selectFrom('chats').select(['id', 'last_seq']).where('direct_key', '=', p('key')));

/** The key under which ensureDirectChat leaves a chat's last_seq in the transaction's scratch values (SQLite fast path). */
const lastSeqKey = (chatId: string) => `l:${chatId}`;

/**
 * The chat's last_seq as ensureDirectChat read it in this transaction (SQLite fast path), so the
 * send that follows does not read the chat row again; undefined when it was not read here.
 */
export function lastSeqReadInTx(native: NativeTx, chatId: string): number | undefined {
  return native.scratch.get(lastSeqKey(chatId));
}

/** Resolve a peer given as an account id or a phone number. */
export async function resolvePeer(db: Kysely<DB>, peer: string): Promise<string> {
  if (peer.startsWith('acc_')) {
    const [row] = await accountById(db, { id: peer });
    if (row) return row.id;
    throw new AppError('ACCOUNT_NOT_FOUND');
  }
  const phone = tryNormalizePhone(peer);
  if (!phone) throw new AppError('PHONE_INVALID');
  const [row] = await accountByPhone(db, { phone });
  if (!row) throw new AppError('ACCOUNT_NOT_FOUND', `${phone} is not on Parley yet.`);
  return row.id;
}

/** Find or create the direct chat of two accounts. Call inside a write op. */
export async function ensureDirectChat(tx: Transaction<DB>, a: string, b: string, now: number): Promise<string> {
  if (a === b) throw new AppError('CANNOT_CHAT_WITH_SELF');
  const key = directKey(a, b);
  // A direct chat's members are its two people, for good: the send that follows needs no read of them.
  const members = a < b ? [a, b] : [b, a];
  const [existing] = await chatByDirectKey(tx, { key });
  if (existing) {
    if (!memberCache.has(existing.id)) cacheMembers(existing.id, members);
    // Later changes of last_seq in this transaction go through the in-memory counter, which is read first.
    const native = nativeTx(tx);
    if (native) native.scratch.set(lastSeqKey(existing.id), existing.last_seq);
    return existing.id;
  }
  const id = newId('chat');
  await tx.insertInto('chats').values({ id, kind: 'direct', direct_key: key, last_seq: 0, last_activity_at: now, created_at: now }).execute();
  const member = (account_id: string): ChatMembersTable => ({
    chat_id: id,
    account_id,
    joined_at: now,
    delivered_seq: 0,
    read_seq: 0,
    receipt_read_seq: 0,
    archived: 0,
    pinned_at: null,
    muted_until: null,
    cleared_seq: 0,
  });
  await tx.insertInto('chat_members').values([member(a), member(b)]).execute();
  const native = nativeTx(tx);
  if (native) native.scratch.set(lastSeqKey(id), 0);
  // If this transaction rolls back, the id is never handed out: the entry is never looked up.
  cacheMembers(id, members);
  return id;
}

/** Open (find or create) the direct chat with a peer; returns the chat as the actor sees it. */
export async function openDirectChat(ctx: Ctx, actor: Actor, peer: string): Promise<Chat> {
  const peerId = await resolvePeer(ctx.db, peer);
  if (peerId === actor.accountId) throw new AppError('CANNOT_CHAT_WITH_SELF');
  const chatId = await ctx.writes.run((tx) => ensureDirectChat(tx, actor.accountId, peerId, ctx.clock.now()));
  return getChat(ctx, actor, chatId);
}

export async function getChat(ctx: Ctx, actor: Actor, chatId: string): Promise<Chat> {
  await accessChat(ctx.db, actor, chatId);
  const [chat] = await buildChats(ctx, actor.accountId, [chatId]);
  if (!chat) throw new AppError('CHAT_NOT_FOUND');
  return chat;
}

export interface ChatListOptions {
  archived?: boolean;
  limit?: number;
  /** Chats active before this time (paging by lastActivityAt). */
  before?: number;
}

/** The actor's chats, most recently active first. */
export async function listChats(ctx: Ctx, actor: Actor, opts: ChatListOptions = {}): Promise<{ chats: Chat[]; updateSeq: number }> {
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), 500);
  // Read the cursor first: anything committed after it reaches the client as an update.
  const acc = await ctx.db.selectFrom('accounts').select('update_seq').where('id', '=', actor.accountId).executeTakeFirst();
  let q = ctx.db
    .selectFrom('chat_members as cm')
    .innerJoin('chats as c', 'c.id', 'cm.chat_id')
    .select(['c.id'])
    .where('cm.account_id', '=', actor.accountId)
    .where('c.last_seq', '>', 0)
    // Listed once it holds a message this person may see (not one withheld from them by a block).
    .where((eb) =>
      eb.exists(
        eb
          .selectFrom('messages as m')
          .select('m.id')
          .whereRef('m.chat_id', '=', 'c.id')
          .where((w) => w.or([w('m.withheld', '=', 0), w('m.sender_id', '=', actor.accountId)])),
      ),
    )
    .orderBy('c.last_activity_at', 'desc')
    .orderBy('c.id')
    .limit(limit);
  if (opts.archived !== undefined) q = q.where('cm.archived', '=', opts.archived ? 1 : 0);
  if (opts.before !== undefined) q = q.where('c.last_activity_at', '<', opts.before);
  const ids = (await q.execute()).map((r) => r.id);
  return { chats: await buildChats(ctx, actor.accountId, ids), updateSeq: acc?.update_seq ?? 0 };
}

/** Chat objects for a viewer, in the order of `ids`. */
async function buildChats(ctx: Ctx, viewerId: string, ids: string[]): Promise<Chat[]> {
  if (ids.length === 0) return [];
  const db = ctx.db;
  const [chats, members, viewer] = await Promise.all([
    db.selectFrom('chats').selectAll().where('id', 'in', ids).execute(),
    db.selectFrom('chat_members').selectAll().where('chat_id', 'in', ids).execute(),
    db.selectFrom('accounts').select(['read_receipts']).where('id', '=', viewerId).executeTakeFirstOrThrow(),
  ]);
  const peerIds = [...new Set(members.filter((m) => m.account_id !== viewerId).map((m) => m.account_id))];
  const profiles = await profilesFor(db, viewerId, peerIds);
  const receiptsVisible = await readReceiptsOn(db, [viewerId, ...peerIds]);

  const unread = await db
    .selectFrom('messages as m')
    .innerJoin('chat_members as cm', (j) => j.onRef('cm.chat_id', '=', 'm.chat_id').on('cm.account_id', '=', viewerId))
    .select(['m.chat_id', (eb) => eb.fn.countAll<number>().as('n')])
    .where('m.chat_id', 'in', ids)
    .whereRef('m.seq', '>', 'cm.read_seq')
    .where('m.sender_id', '!=', viewerId)
    .where('m.withheld', '=', 0)
    .where('m.deleted_at', 'is', null)
    .groupBy('m.chat_id')
    .execute();
  const unreadBy = new Map(unread.map((u) => [u.chat_id, Number(u.n)]));

  const lastRows = [];
  for (const id of ids) {
    const row = await db
      .selectFrom('messages')
      .selectAll()
      .where('chat_id', '=', id)
      .where((eb) => eb.or([eb('withheld', '=', 0), eb('sender_id', '=', viewerId)]))
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (row) lastRows.push(row);
  }
  const lastMessages = new Map((await withReactions(db, lastRows)).map((m) => [m.chatId, m]));

  const byId = new Map(chats.map((c) => [c.id, c]));
  const out: Chat[] = [];
  for (const id of ids) {
    const c = byId.get(id);
    if (!c) continue;
    const mine = members.find((m) => m.chat_id === id && m.account_id === viewerId);
    const others = members.filter((m) => m.chat_id === id && m.account_id !== viewerId);
    const peer = others[0] ? profiles.get(others[0].account_id) : undefined;
    if (!mine || !peer) continue;
    const memberStates: ChatMemberState[] = members
      .filter((m) => m.chat_id === id)
      .map((m) => memberState(m, viewerId, viewer.read_receipts === 1 && (receiptsVisible.get(m.account_id) ?? false)));
    const last = lastMessages.get(id) ?? null;
    if (last && last.senderId === viewerId) last.status = last.undeliverable ? 'sent' : statusOf(last.seq, memberStates.filter((s) => s.accountId !== viewerId));
    out.push({
      id: c.id,
      kind: 'direct',
      peer,
      members: memberStates,
      lastSeq: c.last_seq,
      lastActivityAt: c.last_activity_at,
      lastMessage: last,
      unreadCount: unreadBy.get(id) ?? 0,
      readSeq: mine.read_seq,
      archived: mine.archived === 1,
      pinnedAt: mine.pinned_at,
      mutedUntil: mine.muted_until,
    });
  }
  return out;
}

async function readReceiptsOn(db: Kysely<DB>, ids: string[]): Promise<Map<string, boolean>> {
  const rows = await db.selectFrom('accounts').select(['id', 'read_receipts']).where('id', 'in', ids).execute();
  return new Map(rows.map((r) => [r.id, r.read_receipts === 1]));
}

/** A member's cursors as `viewerId` may see them. */
export function memberState(m: ChatMembersTable, viewerId: string, receiptsVisible: boolean): ChatMemberState {
  if (m.account_id === viewerId) return { accountId: m.account_id, deliveredSeq: m.delivered_seq, readSeq: m.read_seq };
  return { accountId: m.account_id, deliveredSeq: m.delivered_seq, readSeq: receiptsVisible ? m.receipt_read_seq : 0 };
}

/** The status of one's own message with `seq`, given the other members' cursors. */
export function statusOf(seq: number, others: ChatMemberState[]): 'sent' | 'delivered' | 'read' {
  if (others.length === 0) return 'sent';
  if (others.every((o) => o.readSeq >= seq)) return 'read';
  if (others.every((o) => o.deliveredSeq >= seq || o.readSeq >= seq)) return 'delivered';
  return 'sent';
}

export interface ChatSettingsInput {
  archived?: boolean;
  pinned?: boolean;
  mutedUntil?: number | null;
}

/** Archive, pin or mute a chat for the actor; all the actor's devices learn of it. */
export async function updateChatSettings(ctx: Ctx, actor: Actor, chatId: string, input: ChatSettingsInput): Promise<Chat> {
  await accessChat(ctx.db, actor, chatId);
  await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const cur = await tx.selectFrom('chat_members').selectAll().where('chat_id', '=', chatId).where('account_id', '=', actor.accountId).executeTakeFirstOrThrow();
    const next = {
      archived: input.archived === undefined ? cur.archived : input.archived ? 1 : 0,
      pinned_at: input.pinned === undefined ? cur.pinned_at : input.pinned ? (cur.pinned_at ?? now) : null,
      muted_until: input.mutedUntil === undefined ? cur.muted_until : input.mutedUntil,
    };
    await tx.updateTable('chat_members').set(next).where('chat_id', '=', chatId).where('account_id', '=', actor.accountId).execute();
    await appendUpdate(tx, emit, actor.accountId, { type: 'chat.updated', chatId, archived: next.archived === 1, pinnedAt: next.pinned_at, mutedUntil: next.muted_until }, now);
  });
  return getChat(ctx, actor, chatId);
}
