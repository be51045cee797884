/**
 * @module domain/messaging/messages
 * Sending, editing, deleting and reacting to messages, and reading history.
 * Rules: a resend with the same client id returns the stored message; edits by the author within
 * 15 minutes; delete for everyone by the author within 48 hours (leaves a tombstone); one
 * reaction per person per message; a message to someone who blocked the sender is stored for the
 * sender only and never delivered.
 */
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler';
import type { TSchema } from '@sinclair/typebox';
import type { Kysely, Transaction } from 'kysely';
import { contentSchemas, E2eEnvelope, EDITABLE_KINDS, headerMediaKind, isE2eEnvelope, MAX_CONTENT_BYTES } from '#contracts/content.js';
import { checkEncryptable } from '../e2e/policy.js';
import { MAX_REACTION_CT_CHARS, MEDIA_KIND_OF_MESSAGE, ReactionEnvelope, SERVER_COMPOSED_KINDS, type Message, type MessageKind } from '#contracts/models.js';
import { AppError } from '../../errors.js';
import { randomFillSync } from 'node:crypto';
import { prepared, preparedWrite, type Placeholder } from '../../platform/db/prepared.js';
import { nativeTx, peekCounter, takeCounter, watchedCache, type NativeTx } from '../../platform/db/native.js';
import type { Actor, Ctx, Envelope } from '../../context.js';
import type { Emit } from '../../platform/db/write-queue.js';
import type { DB, MessagesTable } from '../../tables.js';
import { accessChat, cachedMembers, ensureDirectChat, lastSeqReadInTx, memberState, resolvePeer, statusOf } from './chats.js';
import { appendUpdate, appendUpdateNow } from './updates.js';
import { toMessage, withReactions } from './views.js';

const BASE32 = '0123456789abcdefghjkmnpqrstvwxyz'; // Crockford base32, lower case, as platform/ids
const randomPool = Buffer.alloc(4096);
let randomAt = randomPool.length;

/**
 * A message id, `msg_` + 21 base32 characters like every other id, but time-ordered: 48 bits of
 * milliseconds, then 55 random bits. Consecutive messages land next to each other in the primary-key
 * index instead of on a random page each, so a group commit writes far fewer index pages. Random
 * bytes come from a pool (one system call per 585 ids, not one per id).
 */
export function newMessageId(now: number): string {
  if (randomAt + 7 > randomPool.length) {
    randomFillSync(randomPool);
    randomAt = 0;
  }
  let out = 'msg_';
  // 48-bit time: 10 characters of 5 bits (the top 2 bits of the first are always 0 until year 10889).
  let t = Math.max(0, Math.floor(now));
  const timeChars: string[] = [];
  for (let i = 0; i < 10; i++) {
    timeChars.push(BASE32[t % 32]!);
    t = Math.floor(t / 32);
  }
  out += timeChars.reverse().join('');
  // 55 random bits: 11 characters of 5 bits from 7 random bytes.
  let bits = 0;
  let value = 0;
  for (let i = 0; i < 7; i++) {
    value = ((value << 8) | randomPool[randomAt++]!) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
}

export const EDIT_WINDOW_MS = 15 * 60 * 1000;
export const DELETE_WINDOW_MS = 48 * 3600 * 1000;

const contentCheckers = Object.fromEntries(
  Object.entries(contentSchemas).map(([k, s]) => [k, TypeCompiler.Compile(s as TSchema)]),
) as Record<MessageKind, TypeCheck<TSchema>>;
const envelopeChecker = TypeCompiler.Compile(E2eEnvelope);
const reactionEnvelopeChecker = TypeCompiler.Compile(ReactionEnvelope);

/** Validate a message's content for its kind (or, end-to-end encrypted, its envelope); returns the serialized content. */
export function checkContent(kind: MessageKind, content: unknown): string {
  const checker = contentCheckers[kind];
  if (!checker) throw new AppError('VALIDATION_FAILED', `Unknown message kind "${String(kind)}".`);
  const serialized = JSON.stringify(content);
  if (Buffer.byteLength(serialized) > MAX_CONTENT_BYTES) {
    throw new AppError('MESSAGE_TOO_LARGE', `Message content may be at most ${MAX_CONTENT_BYTES} bytes.`);
  }
  if (isE2eEnvelope(content)) {
    if (!envelopeChecker.Check(content)) throw new AppError('VALIDATION_FAILED', 'content: not a valid end-to-end envelope', { path: 'content/e2e' });
    return serialized;
  }
  if (!checker.Check(content)) {
    const first = checker.Errors(content).First();
    throw new AppError('VALIDATION_FAILED', `${kind} content: ${first?.path || '/'} ${first?.message ?? 'is not valid'}`, { path: `content${first?.path ?? ''}` });
  }
  return serialized;
}

export interface SendInput {
  chatId?: string;
  /** Account id or phone number of the peer, instead of chatId. */
  to?: string;
  clientId: string;
  kind: MessageKind;
  content: Record<string, unknown>;
  mediaId?: string | undefined;
  replyTo?: string | undefined;
  forwarded?: boolean | undefined;
}

/**
 * For kinds the server composes (product, catalog, order): only domain code passes this, so a
 * client cannot send those kinds with content of its own. `inWrite` runs in the send's
 * transaction right after the message is stored (not for a duplicate resend); if it throws,
 * nothing of the send is written.
 */
export interface ComposedSend {
  /** The id the message gets (made earlier with newMessageId, e.g. announced before the send); default: a new one. */
  messageId?: string | undefined;
  inWrite?: (tx: Transaction<DB>, emit: Emit<Envelope>, message: Message) => Promise<void>;
  /**
   * `to` is an account id the composer has just looked up: the send does not read the account again
   * before its write (which fails anyway if the account is gone, through the members' foreign key).
   */
  peerKnown?: boolean;
}

export interface SendResult {
  message: Message;
  duplicate: boolean;
}

/**
 * Keeps one sender's messages (one connection's) in the order they were submitted, without
 * waiting for each to be stored before the next: a send waits only until the one before it was
 * queued for storage (or failed its checks). Consecutive messages of a device can then share one
 * group commit, and the receipts for them are coalesced.
 */
export class SendOrder {
  /** Settles once every send submitted so far was queued or failed. */
  private last: Promise<void> = Promise.resolve();

  /** Take the next place: `turn` settles when the sends before are queued; call `done` once this one is queued or failed. */
  take(): { turn: Promise<void>; done: () => void } {
    const turn = this.last;
    let release!: () => void;
    this.last = new Promise<void>((resolve) => (release = resolve));
    // Never ahead of the sends before, even when this one fails before waiting for its turn.
    return { turn, done: () => void turn.then(release) };
  }
}

export interface SendOptions {
  /** Store this send after the sends taken earlier from the same order (see {@link SendOrder}). */
  order?: SendOrder | undefined;
}

const findByClientId = prepared((db: Kysely<DB>, p) => db.selectFrom('messages').selectAll().where('sender_id', '=', p('senderId')).where('client_id', '=', p('clientId')));

/** Blocks between the sender and the one other member of a direct chat, either way. */
const blocksBetween = prepared((db: Kysely<DB>, p) =>
  db
    .selectFrom('blocks')
    .select(['blocker_id', 'blocked_id'])
    .where((eb) =>
      eb.or([eb.and([eb('blocker_id', '=', p('a')), eb('blocked_id', '=', p('b'))]), eb.and([eb('blocker_id', '=', p('b')), eb('blocked_id', '=', p('a'))])]),
    ),
);

type BlockRow = { blocker_id: string; blocked_id: string };

/** The blocks between two people, either way (kept in memory on the SQLite fast path; a write to blocks drops the copy). */
async function blocksOfPair(tx: Transaction<DB>, a: string, b: string): Promise<BlockRow[]> {
  const native = nativeTx(tx);
  if (native) return blocksOfPairNow(native, tx, a, b);
  return blocksBetween(tx, { a, b });
}

/** {@link blocksOfPair} on the SQLite fast path, without an await. */
function blocksOfPairNow(native: NativeTx, tx: Transaction<DB>, a: string, b: string): BlockRow[] {
  const cache = watchedCache<BlockRow[]>(native, 'blocks.pairs', 'blocks');
  const key = a < b ? `${a}|${b}` : `${b}|${a}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const rows = blocksBetween.now(tx, { a, b });
  cache.set(key, rows);
  return rows;
}

const nextChatSeq = prepared((db: Kysely<DB>, p) =>
  db
    .updateTable('chats')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1), last_activity_at: p('now') }))
    .where('id', '=', p('chatId'))
    .returning('last_seq'),
);

const nextChatSeqQuiet = prepared((db: Kysely<DB>, p) =>
  db
    .updateTable('chats')
    .set((eb) => ({ last_seq: eb('last_seq', '+', 1) }))
    .where('id', '=', p('chatId'))
    .returning('last_seq'),
);

const messageValues = (p: Placeholder) => ({
  id: p('id'),
  chat_id: p('chat_id'),
  seq: p('seq'),
  sender_id: p('sender_id'),
  sender_device_id: p('sender_device_id'),
  client_id: p('client_id'),
  kind: p('kind'),
  content: p('content'),
  media_id: p('media_id'),
  reply_to_id: p('reply_to_id'),
  forwarded: p('forwarded'),
  withheld: p('withheld'),
  created_at: p('created_at'),
  edited_at: p('edited_at'),
  deleted_at: p('deleted_at'),
});

const insertMessage = prepared((db: Kysely<DB>, p) => db.insertInto('messages').values(messageValues(p)));

/** The insert, unless the sender already stored a message with this client id (then it inserts nothing): resolves with the rows inserted. */
const insertMessageOnce = preparedWrite((db: Kysely<DB>, p) =>
  db
    .insertInto('messages')
    .values(messageValues(p))
    .onConflict((oc) => oc.columns(['sender_id', 'client_id']).doNothing()),
);

/** The chat's next message seq (and, unless `activityAt` is null, its new last activity), on the Kysely path. */
async function nextChatSeqOf(tx: Transaction<DB>, chatId: string, activityAt: number | null): Promise<number> {
  const [bumped] = activityAt === null ? await nextChatSeqQuiet(tx, { chatId }) : await nextChatSeq(tx, { chatId, now: activityAt });
  if (!bumped) throw new AppError('CHAT_NOT_FOUND');
  return bumped.last_seq;
}

/**
 * SQLite fast path: the chat's next message seq, not taken yet ({@link takeChatSeq} takes it once
 * the message is stored). `last_seq` is counted in memory and written back once per transaction
 * (see platform/db/native.ts); read it inside a write op with {@link chatLastSeq}.
 */
function peekChatSeq(native: NativeTx, chatId: string): number {
  const seq = peekCounter(
    native,
    `c:${chatId}`,
    () => lastSeqReadInTx(native, chatId) ?? (native.sqlite.prepare('select "last_seq" from "chats" where "id" = ?').get(chatId) as { last_seq: number } | undefined)?.last_seq,
  );
  if (seq === undefined) throw new AppError('CHAT_NOT_FOUND');
  return seq;
}

/** Take the seq {@link peekChatSeq} gave (and, unless `activityAt` is null, move the chat's last activity). */
function takeChatSeq(native: NativeTx, chatId: string, seq: number, activityAt: number | null): void {
  const activityKey = `a:${chatId}`;
  if (activityAt !== null) native.scratch.set(activityKey, activityAt);
  takeCounter(native, `c:${chatId}`, seq, (value) => {
    const activity = native.scratch.get(activityKey);
    if (activity === undefined) native.sqlite.prepare('update "chats" set "last_seq" = ? where "id" = ?').run(value, chatId);
    else native.sqlite.prepare('update "chats" set "last_seq" = ?, "last_activity_at" = ? where "id" = ?').run(value, activity, chatId);
  });
}

/** The chat's last message seq as of this write op (sees messages stored earlier in the same transaction). */
export async function chatLastSeq(tx: Transaction<DB>, chatId: string): Promise<number | undefined> {
  const native = nativeTx(tx);
  const cached = native && (native.pending.get(`c:${chatId}`) ?? native.state.committed.get(`c:${chatId}`));
  if (cached !== undefined && cached !== null) return cached;
  const chat = await tx.selectFrom('chats').select('last_seq').where('id', '=', chatId).executeTakeFirst();
  return chat?.last_seq;
}

export async function sendMessage(ctx: Ctx, actor: Actor, input: SendInput, composed?: ComposedSend, options?: SendOptions): Promise<SendResult> {
  const place = options?.order?.take();
  try {
    return await storeMessage(ctx, actor, input, composed, place);
  } finally {
    place?.done();
  }
}

/** The message the sender already stored with this client id, as a send's result. */
async function findDuplicate(tx: Transaction<DB>, senderId: string, clientId: string): Promise<SendResult | undefined> {
  const [dup] = await findByClientId(tx, { senderId, clientId });
  return dup && { message: toMessage(dup), duplicate: true };
}

interface SendTarget {
  chatId: string;
  members: string[];
  /** Members who blocked the sender: the message is not delivered to them. */
  withheldFrom: ReadonlySet<string>;
  /** Withheld from every other member. */
  withheld: boolean;
}

const NOBODY: ReadonlySet<string> = new Set();

/**
 * The common case of {@link sendTarget} without an await, on the SQLite fast path: a plain message
 * (no media, no reply, not encrypted) to a known chat of two whose members are in memory, with no
 * block either way. Undefined for anything else: sendTarget then makes every check.
 */
function plainSendTarget(native: NativeTx, tx: Transaction<DB>, actor: Actor, input: SendInput): SendTarget | undefined {
  const chatId = input.chatId;
  if (chatId === undefined || input.mediaId || input.replyTo || input.kind === 'interactive_reply' || isE2eEnvelope(input.content)) return undefined;
  const members = cachedMembers(chatId);
  if (!members || members.length !== 2) return undefined;
  const [a, b] = members as [string, string];
  const other = a === actor.accountId ? b : b === actor.accountId ? a : undefined;
  if (other === undefined || other === actor.accountId) return undefined;
  if (blocksOfPairNow(native, tx, actor.accountId, other).length > 0) return undefined;
  return { chatId, members, withheldFrom: NOBODY, withheld: false };
}

/** The checks of a send inside its write op: the chat (created for a send `to` someone), its members and blocks, media, reply target. */
async function sendTarget(tx: Transaction<DB>, actor: Actor, input: SendInput, peerId: string | null, mediaKind: string | null | undefined, content: string, now: number): Promise<SendTarget> {
  const chatId = input.chatId ?? (await ensureDirectChat(tx, actor.accountId, peerId!, now));
  const members = await accessChat(tx, actor, chatId);
  if (isE2eEnvelope(input.content)) await checkEncryptable(tx, members);
  const others = members.filter((m) => m !== actor.accountId);

  const blocks =
    others.length === 1
      ? await blocksOfPair(tx, actor.accountId, others[0]!)
      : await tx
          .selectFrom('blocks')
          .select(['blocker_id', 'blocked_id'])
          .where((eb) =>
            eb.or([
              eb.and([eb('blocker_id', '=', actor.accountId), eb('blocked_id', 'in', others)]),
              eb.and([eb('blocked_id', '=', actor.accountId), eb('blocker_id', 'in', others)]),
            ]),
          )
          .execute();
  if (blocks.some((b) => b.blocker_id === actor.accountId)) throw new AppError('CONTACT_BLOCKED');
  const withheldFrom = new Set(blocks.map((b) => b.blocker_id));

  if (input.mediaId) await checkMediaUse(tx, actor.accountId, input.mediaId, mediaKind!);
  if (input.replyTo) {
    const target = await tx.selectFrom('messages').select(['id', 'sender_id', 'withheld', 'kind', 'content']).where('id', '=', input.replyTo).where('chat_id', '=', chatId).executeTakeFirst();
    if (!target || (target.withheld === 1 && target.sender_id !== actor.accountId)) throw new AppError('REPLY_TARGET_NOT_FOUND');
    if (input.kind === 'interactive_reply') checkInteractiveAnswer(target, actor.accountId, content);
  } else if (input.kind === 'interactive_reply') {
    throw new AppError('VALIDATION_FAILED', 'An interactive reply answers a message: give replyTo.', { path: 'replyTo' });
  }

  const withheld = withheldFrom.size > 0 && withheldFrom.size === others.length;
  return { chatId, members, withheldFrom, withheld };
}

async function storeMessage(ctx: Ctx, actor: Actor, input: SendInput, composed: ComposedSend | undefined, place: ReturnType<SendOrder['take']> | undefined): Promise<SendResult> {
  if (!composed && SERVER_COMPOSED_KINDS.includes(input.kind)) throw new AppError('MESSAGE_KIND_RESERVED', `${input.kind} messages are composed by the server; use the catalog and order endpoints.`);
  const content = checkContent(input.kind, input.content);
  if (!input.chatId === !input.to) throw new AppError('VALIDATION_FAILED', 'Give either chatId or to.');
  let peerId: string | null = null;
  if (input.chatId) {
    // A member of a chat whose members are in memory needs no await here.
    if (!cachedMembers(input.chatId)?.includes(actor.accountId)) await accessChat(ctx.db, actor, input.chatId);
  } else {
    peerId = composed?.peerKnown && input.to!.startsWith('acc_') ? input.to! : await resolvePeer(ctx.db, input.to!);
    if (peerId === actor.accountId) throw new AppError('CANNOT_CHAT_WITH_SELF');
  }
  const headerKind = headerMediaKind(input.kind, input.content);
  const mediaKind = MEDIA_KIND_OF_MESSAGE[input.kind] ?? headerKind;
  if (headerKind && (input.content.header as { mediaId?: unknown }).mediaId !== input.mediaId) throw new AppError('VALIDATION_FAILED', 'The header medium must be the message mediaId.', { path: 'mediaId' });
  if (mediaKind && !input.mediaId) throw new AppError('VALIDATION_FAILED', `A ${input.kind} message needs a mediaId.`, { path: 'mediaId' });
  if (!mediaKind && input.mediaId) throw new AppError('VALIDATION_FAILED', `A ${input.kind} message carries no media.`, { path: 'mediaId' });

  if (place) await place.turn;
  const stored = ctx.writes.run(async (tx, emit): Promise<SendResult & { memberIds?: string[]; withheld?: boolean }> => {
    const now = ctx.clock.now();
    // The duplicate check: on the SQLite fast path, folded into the insert (no read per message).
    const native = nativeTx(tx);
    if (!native) {
      const dup = await findDuplicate(tx, actor.accountId, input.clientId);
      if (dup) return dup;
    }
    // The common case needs no await (SQLite fast path); anything else gets every check.
    let target = native && plainSendTarget(native, tx, actor, input);
    if (!target) {
      try {
        target = await sendTarget(tx, actor, input, peerId, mediaKind, content, now);
      } catch (err) {
        // A resend gets the stored message even when a check made since would refuse it (a block since).
        const dup = native && err instanceof AppError ? await findDuplicate(tx, actor.accountId, input.clientId) : undefined;
        if (dup) return dup;
        throw err;
      }
    }
    const { chatId, members, withheldFrom, withheld } = target;
    // A withheld message does not move the chat in the recipient's list (it would reveal it).
    const activityAt = withheld ? null : now;
    const seq = native ? peekChatSeq(native, chatId) : await nextChatSeqOf(tx, chatId, activityAt);
    const row: MessagesTable = {
      id: composed?.messageId ?? newMessageId(now),
      chat_id: chatId,
      seq,
      sender_id: actor.accountId,
      sender_device_id: actor.deviceId,
      client_id: input.clientId,
      kind: input.kind,
      content,
      media_id: input.mediaId ?? null,
      reply_to_id: input.replyTo ?? null,
      forwarded: input.forwarded ? 1 : 0,
      withheld: withheld ? 1 : 0,
      created_at: now,
      edited_at: null,
      deleted_at: null,
    };
    if (!native) await insertMessage(tx, row as unknown as Record<string, unknown>);
    else if (insertMessageOnce.now(tx, row as unknown as Record<string, unknown>) === 0) {
      const dup = await findDuplicate(tx, actor.accountId, input.clientId);
      if (!dup) throw new Error('sendMessage: the insert was ignored but no message has this client id');
      return dup;
    } else takeChatSeq(native, chatId, seq, activityAt);
    const message = toMessage(row);
    if (composed?.inWrite) await composed.inWrite(tx, emit, message);
    const hooked = ctx.hooks.messageStored(tx, emit, { chatId, memberIds: members, senderId: actor.accountId, senderDeviceId: actor.deviceId, message, withheld });
    if (hooked) await hooked;
    const created = { type: 'message.created' as const, chatId, message }; // one object: serialized once for every member
    for (const m of members) {
      if (withheldFrom.has(m)) continue;
      if (native) appendUpdateNow(native, emit, m, created, now);
      else await appendUpdate(tx, emit, m, created, now);
    }
    return { message: { ...message, status: 'sent' as const }, duplicate: false, memberIds: members, withheld };
  });
  place?.done(); // queued: the sender's next message may be queued behind it
  const result = await stored;
  if (!result.duplicate) {
    ctx.metrics.messagesStored.inc();
    ctx.hooks.messageSentCommitted({
      chatId: result.message.chatId,
      memberIds: result.memberIds ?? [],
      senderId: actor.accountId,
      senderDeviceId: actor.deviceId,
      message: result.message,
      withheld: result.withheld ?? false,
    });
  }
  return { message: result.message, duplicate: result.duplicate };
}

/** An interactive reply must name a button or row that the other party's message offers. */
function checkInteractiveAnswer(target: { sender_id: string; kind: string; content: string | null }, senderId: string, serialized: string): void {
  const answer = JSON.parse(serialized) as { type: string; id: string; title: string };
  const bad = () => new AppError('VALIDATION_FAILED', 'This reply does not match a button or row of the message it answers.', { path: 'content' });
  if (target.sender_id === senderId || target.content === null) throw bad();
  const c = JSON.parse(target.content) as {
    type?: string;
    buttons?: { id: string; title: string }[];
    list?: { sections: { rows: { id: string; title: string }[] }[] };
  } & { buttons?: { type: string; text: string; payload?: string }[] };
  if (target.kind === 'interactive' && answer.type === 'button_reply' && c.type === 'button') {
    if ((c.buttons as { id: string; title: string }[] | undefined)?.some((b) => b.id === answer.id && b.title === answer.title)) return;
  } else if (target.kind === 'interactive' && answer.type === 'list_reply' && c.type === 'list') {
    if (c.list?.sections.some((s) => s.rows.some((r) => r.id === answer.id && r.title === answer.title))) return;
  } else if (target.kind === 'template' && answer.type === 'button') {
    const buttons = c.buttons as { type: string; text: string; payload?: string }[] | undefined;
    if (buttons?.some((b) => b.type === 'quick_reply' && (b.payload ?? b.text) === answer.id && b.text === answer.title)) return;
  }
  throw bad();
}

/** The sender may attach media they uploaded, or media already in a chat they are in (forwarding). */
async function checkMediaUse(tx: Transaction<DB>, accountId: string, mediaId: string, kind: string): Promise<void> {
  const media = await tx.selectFrom('media').select(['id', 'kind', 'uploader_id']).where('id', '=', mediaId).executeTakeFirst();
  if (!media) throw new AppError('MEDIA_NOT_FOUND');
  if (media.uploader_id !== accountId) {
    const seen = await tx
      .selectFrom('messages as m')
      .innerJoin('chat_members as cm', 'cm.chat_id', 'm.chat_id')
      .select('m.id')
      .where('m.media_id', '=', mediaId)
      .where('cm.account_id', '=', accountId)
      .where((eb) => eb.or([eb('m.withheld', '=', 0), eb('m.sender_id', '=', accountId)]))
      .executeTakeFirst();
    if (!seen) throw new AppError('MEDIA_NOT_FOUND');
  }
  if (media.kind !== kind) throw new AppError('MEDIA_KIND_MISMATCH', `This message needs ${kind} media; the attached media is ${media.kind}.`);
}

/** Load a message the actor may see, inside a write op; throws MESSAGE_NOT_FOUND otherwise. */
async function accessMessage(tx: Transaction<DB>, actor: Actor, messageId: string): Promise<{ row: MessagesTable; members: string[] }> {
  const row = await tx.selectFrom('messages').selectAll().where('id', '=', messageId).executeTakeFirst();
  if (!row) throw new AppError('MESSAGE_NOT_FOUND');
  const members = await accessChat(tx, actor, row.chat_id).catch(() => {
    throw new AppError('MESSAGE_NOT_FOUND');
  });
  if (row.withheld === 1 && row.sender_id !== actor.accountId) throw new AppError('MESSAGE_NOT_FOUND');
  return { row, members };
}

/** Tell every member who can see the message (the recipient of a withheld one cannot). */
async function announceChange(tx: Transaction<DB>, emit: Emit<Envelope>, row: MessagesTable, members: string[], now: number): Promise<Message> {
  const [message] = await withReactions(tx, [row]);
  for (const m of members) {
    if (row.withheld === 1 && m !== row.sender_id) continue;
    await appendUpdate(tx, emit, m, { type: 'message.updated', chatId: row.chat_id, message: message! }, now);
  }
  return message!;
}

export async function editMessage(ctx: Ctx, actor: Actor, messageId: string, newContent: Record<string, unknown>): Promise<Message> {
  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const { row, members } = await accessMessage(tx, actor, messageId);
    if (row.sender_id !== actor.accountId) throw new AppError('NOT_MESSAGE_AUTHOR');
    if (row.deleted_at) throw new AppError('MESSAGE_DELETED');
    if (!EDITABLE_KINDS.includes(row.kind as MessageKind)) throw new AppError('MESSAGE_NOT_EDITABLE', `A ${row.kind} message cannot be edited.`);
    if (now - row.created_at > EDIT_WINDOW_MS) throw new AppError('EDIT_WINDOW_EXPIRED');
    const content = checkContent(row.kind as MessageKind, newContent);
    if (isE2eEnvelope(newContent)) await checkEncryptable(tx, members);
    await tx.updateTable('messages').set({ content, edited_at: now }).where('id', '=', row.id).execute();
    const message = await announceChange(tx, emit, { ...row, content, edited_at: now }, members, now);
    await ctx.hooks.messageChanged(tx, emit, { change: 'edited', chatId: row.chat_id, memberIds: members, actorId: actor.accountId, message, at: now });
    return message;
  });
}

/**
 * End-to-end encryption: the device that sent an encrypted message replaces its envelope with one
 * made at the group's current epoch, for a device that could not decrypt it (an `e2e.resend`
 * request). Not an edit: `editedAt` does not change. Only the sending device, only envelopes.
 */
export async function reencryptMessage(ctx: Ctx, actor: Actor, messageId: string, newContent: Record<string, unknown>): Promise<Message> {
  if (!isE2eEnvelope(newContent)) throw new AppError('VALIDATION_FAILED', 'content: give an end-to-end envelope.', { path: 'content' });
  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const { row, members } = await accessMessage(tx, actor, messageId);
    if (row.sender_id !== actor.accountId || row.sender_device_id !== actor.deviceId) throw new AppError('NOT_MESSAGE_AUTHOR', 'Only the device that sent this message can encrypt it again.');
    if (row.deleted_at) throw new AppError('MESSAGE_DELETED');
    if (!row.content || !isE2eEnvelope(JSON.parse(row.content))) throw new AppError('VALIDATION_FAILED', 'This message is not end-to-end encrypted.', { path: 'content' });
    const content = checkContent(row.kind as MessageKind, newContent);
    await tx.updateTable('messages').set({ content }).where('id', '=', row.id).execute();
    return announceChange(tx, emit, { ...row, content }, members, now);
  });
}

export async function deleteMessage(ctx: Ctx, actor: Actor, messageId: string): Promise<Message> {
  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const { row, members } = await accessMessage(tx, actor, messageId);
    if (row.sender_id !== actor.accountId) throw new AppError('NOT_MESSAGE_AUTHOR');
    if (row.deleted_at) throw new AppError('MESSAGE_DELETED');
    if (now - row.created_at > DELETE_WINDOW_MS) throw new AppError('DELETE_WINDOW_EXPIRED');
    await tx.updateTable('messages').set({ content: 'null', media_id: null, deleted_at: now }).where('id', '=', row.id).execute();
    await tx.deleteFrom('reactions').where('message_id', '=', row.id).execute();
    const message = await announceChange(tx, emit, { ...row, content: 'null', media_id: null, deleted_at: now }, members, now);
    await ctx.hooks.messageChanged(tx, emit, { change: 'deleted', chatId: row.chat_id, memberIds: members, actorId: actor.accountId, message, at: now });
    return message;
  });
}

/** A reaction to set: an emoji, an end-to-end envelope (`{ e2e }`, chats between people only), or null to remove one's reaction. */
export type ReactionInput = string | null | { e2e: ReactionEnvelope };

/** The reaction a `react` frame or request body asks for: exactly one of `emoji` (null removes it) and `e2e`. */
export function reactionInput(body: { emoji?: string | null | undefined; e2e?: ReactionEnvelope | undefined }): ReactionInput {
  if ((body.emoji !== undefined) === (body.e2e !== undefined)) throw new AppError('VALIDATION_FAILED', 'Give exactly one of emoji and e2e.', { path: 'emoji' });
  return body.e2e ? { e2e: body.e2e } : (body.emoji ?? null);
}

/**
 * Set (or with null, remove) the actor's one reaction on a message. An encrypted reaction is
 * stored as it came (its emoji stays empty) and refused in a chat with a business
 * (E2E_NOT_FOR_BUSINESS). `composed.inWrite` runs in the same transaction once the reaction is
 * written (with the updated message); if it throws, nothing is written.
 */
export async function reactToMessage(ctx: Ctx, actor: Actor, messageId: string, reaction: ReactionInput, composed?: ComposedSend): Promise<Message> {
  const envelope = reaction !== null && typeof reaction === 'object' ? reaction.e2e : null;
  const emoji = typeof reaction === 'string' ? reaction : null;
  if (envelope && !reactionEnvelopeChecker.Check(envelope)) throw new AppError('VALIDATION_FAILED', `e2e: not a valid reaction envelope (ct at most ${MAX_REACTION_CT_CHARS} characters).`, { path: 'e2e' });
  if (emoji !== null && (emoji.trim() === '' || [...emoji].length > 8)) throw new AppError('VALIDATION_FAILED', 'A reaction is one emoji.');
  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const { row, members } = await accessMessage(tx, actor, messageId);
    if (row.deleted_at) throw new AppError('MESSAGE_DELETED');
    if (envelope) await checkEncryptable(tx, members);
    if (emoji === null && !envelope) {
      await tx.deleteFrom('reactions').where('message_id', '=', row.id).where('account_id', '=', actor.accountId).execute();
    } else {
      const set = { emoji: emoji ?? '', e2e: envelope ? JSON.stringify(envelope) : null, created_at: now };
      await tx
        .insertInto('reactions')
        .values({ message_id: row.id, account_id: actor.accountId, ...set })
        .onConflict((oc) => oc.columns(['message_id', 'account_id']).doUpdateSet(set))
        .execute();
    }
    const message = await announceChange(tx, emit, row, members, now);
    if (composed?.inWrite) await composed.inWrite(tx, emit, message);
    await ctx.hooks.messageChanged(tx, emit, { change: 'reaction', chatId: row.chat_id, memberIds: members, actorId: actor.accountId, message, ...(envelope ? { encrypted: true } : { emoji }), at: now });
    return message;
  });
}

export interface HistoryOptions {
  /** Messages with seq < before (older page). */
  before?: number | undefined;
  /** Messages with seq > after (newer page, oldest first). */
  after?: number | undefined;
  limit?: number | undefined;
}

/** A page of a chat's history as the actor sees it, in ascending seq order. */
export async function listMessages(ctx: Ctx, actor: Actor, chatId: string, opts: HistoryOptions = {}): Promise<{ messages: Message[]; hasMore: boolean }> {
  const members = await accessChat(ctx.db, actor, chatId);
  const limit = Math.min(Math.max(opts.limit ?? 50, 1), 200);
  let q = ctx.db
    .selectFrom('messages')
    .selectAll()
    .where('chat_id', '=', chatId)
    .where((eb) => eb.or([eb('withheld', '=', 0), eb('sender_id', '=', actor.accountId)]))
    .limit(limit + 1);
  if (opts.after !== undefined) q = q.where('seq', '>', opts.after).orderBy('seq', 'asc');
  else {
    if (opts.before !== undefined) q = q.where('seq', '<', opts.before);
    q = q.orderBy('seq', 'desc');
  }
  const rows = await q.execute();
  const hasMore = rows.length > limit;
  const page = rows.slice(0, limit);
  if (opts.after === undefined) page.reverse();
  const messages = await withReactions(ctx.db, page);

  const [memberRows, accounts] = await Promise.all([
    ctx.db.selectFrom('chat_members').selectAll().where('chat_id', '=', chatId).execute(),
    ctx.db.selectFrom('accounts').select(['id', 'read_receipts']).where('id', 'in', members).execute(),
  ]);
  const viewerReceipts = accounts.find((a) => a.id === actor.accountId)?.read_receipts === 1;
  const others = memberRows
    .filter((m) => m.account_id !== actor.accountId)
    .map((m) => memberState(m, actor.accountId, viewerReceipts && accounts.find((a) => a.id === m.account_id)?.read_receipts === 1));
  for (const m of messages) if (m.senderId === actor.accountId) m.status = m.undeliverable ? 'sent' : statusOf(m.seq, others);
  return { messages, hasMore };
}
