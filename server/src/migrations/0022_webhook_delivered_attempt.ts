/**
 * A delivered webhook event keeps how long its successful POST took (`last_duration_ms`), and that
 * attempt is no longer stored as its own `webhook_attempts` row: the event row already holds when
 * it was delivered and the receiver's status code. Failed attempts are still stored one row each.
 * Saves a row and two index entries per delivered event (most of them). The deliveries view shows
 * the successful attempt from the event row.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhook_events').addColumn('last_duration_ms', 'integer').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('webhook_events').dropColumn('last_duration_ms').execute();
}
