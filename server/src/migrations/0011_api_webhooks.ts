/**
 * Business API webhooks: conversations (one per chat and 24-hour window, the `conversation` block
 * of status webhooks) and the status cursors of API chats (how far `delivered` and `read` statuses
 * were already sent, so each message gets each status once).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_conversations')
    // 32 hex characters, as Meta's conversation ids.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('chat_id', 'text', (c) => c.notNull().references('chats.id'))
    // 'service' (customer-initiated) until the policy decides other categories.
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('opened_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_conversations_chat').on('api_conversations').columns(['chat_id', 'expires_at']).execute();

  await db.schema
    .createTable('api_status_cursors')
    .addColumn('chat_id', 'text', (c) => c.primaryKey().references('chats.id'))
    // Highest seq of the chat whose `delivered` (resp. `read`) statuses were enqueued.
    .addColumn('delivered_seq', 'bigint', (c) => c.notNull())
    .addColumn('read_seq', 'bigint', (c) => c.notNull())
    .execute();

  // Get-or-create lookups of graph nodes by what they stand for (API media ids of received media,
  // catalog ids): on the path of every inbound media message.
  await db.schema.createIndex('graph_nodes_ref_kind').on('graph_nodes').columns(['ref', 'kind']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('graph_nodes_ref_kind').execute();
  await db.schema.dropTable('api_status_cursors').execute();
  await db.schema.dropTable('api_conversations').execute();
}
