/**
 * What a Business API send knew that its later statuses must repeat: the request's
 * `biz_opaque_callback_data` (on every status of the message, not only `sent`) and how the message
 * is priced (`free_customer_service` for a utility template sent inside an open customer-service
 * window). One row per such message only; an ordinary send writes none.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_message_meta')
    .addColumn('message_id', 'text', (c) => c.primaryKey().references('messages.id').onDelete('cascade'))
    .addColumn('callback_data', 'text')
    .addColumn('pricing_type', 'text')
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('api_message_meta').execute();
}
