/**
 * Batched webhook deliveries: how many events an app's receiver takes in one POST (`max_batch`,
 * 1 = one change per POST, the default every Cloud API client reads).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('webhook_subscriptions')
    .addColumn('max_batch', 'integer', (c) => c.notNull().defaultTo(1))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhook_subscriptions').dropColumn('max_batch').execute();
}
