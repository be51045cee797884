/**
 * `messages_media` becomes partial (`where media_id is not null`): a message without media — most
 * of them — no longer enters an index it is never looked up by. Lookups by `media_id = ?` still use
 * it (SQLite and PostgreSQL both know that such a lookup implies `media_id is not null`).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_media').execute();
  await db.schema.createIndex('messages_media').on('messages').column('media_id').where(sql.ref('media_id'), 'is not', null).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_media').execute();
  await db.schema.createIndex('messages_media').on('messages').column('media_id').execute();
}
