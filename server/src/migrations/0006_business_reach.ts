/**
 * Business reach: the business's short link (`/l/{code}`) with its prefilled text, broadcast lists
 * with their recipients (phone numbers), and the broadcasts sent with their per-recipient results.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('business_short_links')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id'))
    // Random and unguessable; a reset replaces it (the old code then resolves to nothing).
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('prefilled_text', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('broadcast_lists')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('broadcast_lists_business').on('broadcast_lists').columns(['business_id', 'created_at']).execute();

  await db.schema
    .createTable('broadcast_list_members')
    .addColumn('list_id', 'text', (c) => c.notNull().references('broadcast_lists.id').onDelete('cascade'))
    // E.164; resolved to an account when a broadcast is sent (a number may join Parley later).
    .addColumn('phone', 'text', (c) => c.notNull())
    .addColumn('added_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('broadcast_list_members_pk', ['list_id', 'phone'])
    .execute();

  await db.schema
    .createTable('broadcasts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('accounts.id'))
    // No foreign key: the history outlives a deleted list.
    .addColumn('list_id', 'text', (c) => c.notNull())
    .addColumn('list_name', 'text', (c) => c.notNull())
    // The sender's idempotency key: the same key again returns (or finishes) the same broadcast.
    .addColumn('client_id', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('media_id', 'text')
    // JSON BroadcastRecipientResult[] (contracts/reach.ts); '[]' until the sending finished.
    .addColumn('results', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('reached_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('not_reached_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('completed_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('broadcasts_client').on('broadcasts').columns(['business_id', 'client_id']).unique().execute();
  await db.schema.createIndex('broadcasts_list').on('broadcasts').columns(['list_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('broadcasts').execute();
  await db.schema.dropTable('broadcast_list_members').execute();
  await db.schema.dropTable('broadcast_lists').execute();
  await db.schema.dropTable('business_short_links').execute();
}
