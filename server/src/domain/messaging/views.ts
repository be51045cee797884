/**
 * @module domain/messaging/views
 * Row → API object mappers for messages.
 */
import type { Kysely } from 'kysely';
import type { Message, Reaction, ReactionEnvelope } from '#contracts/models.js';
import type { DB, MessagesTable } from '../../tables.js';

export function toMessage(m: MessagesTable, reactions: Reaction[] = []): Message {
  const message: Message = {
    id: m.id,
    chatId: m.chat_id,
    seq: m.seq,
    senderId: m.sender_id,
    clientId: m.client_id,
    kind: m.kind,
    content: m.deleted_at ? null : (JSON.parse(m.content) as Record<string, unknown>),
    mediaId: m.media_id,
    replyTo: m.reply_to_id,
    forwarded: m.forwarded === 1,
    createdAt: m.created_at,
    editedAt: m.edited_at,
    deletedAt: m.deleted_at,
    reactions,
  };
  if (m.withheld === 1) message.undeliverable = true;
  return message;
}

/** Reactions of the given messages, grouped by message id. */
export async function reactionsOf(db: Kysely<DB>, messageIds: string[]): Promise<Map<string, Reaction[]>> {
  const out = new Map<string, Reaction[]>();
  if (messageIds.length === 0) return out;
  const rows = await db
    .selectFrom('reactions')
    .select(['message_id', 'account_id', 'emoji', 'e2e'])
    .where('message_id', 'in', messageIds)
    .orderBy('created_at', 'asc')
    .execute();
  for (const r of rows) {
    let list = out.get(r.message_id);
    if (!list) out.set(r.message_id, (list = []));
    list.push(r.e2e ? { accountId: r.account_id, e2e: JSON.parse(r.e2e) as ReactionEnvelope } : { accountId: r.account_id, emoji: r.emoji });
  }
  return out;
}

/** Full messages (with reactions) for rows. */
export async function withReactions(db: Kysely<DB>, rows: MessagesTable[]): Promise<Message[]> {
  const reactions = await reactionsOf(db, rows.map((r) => r.id));
  return rows.map((r) => toMessage(r, reactions.get(r.id) ?? []));
}
