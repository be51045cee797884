/**
 * Analytics of the Business API (domain/api/analytics.ts): messages a business sent through the API,
 * counted per day and category, are found by sender and time. The index is partial — only messages
 * stored by the API (sender device `api`) enter it — so person-to-person messages pay nothing for it.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('messages_api_sender_created')
    .on('messages')
    .columns(['sender_id', 'created_at'])
    .where(sql.ref('sender_device_id'), '=', sql.lit('api'))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('messages_api_sender_created').execute();
}
