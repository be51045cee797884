/**
 * Business accounts: the account kind and the business profile (tier 2). Later business
 * migrations add catalog, tools and reach tables.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('accounts').addColumn('kind', 'text', (c) => c.notNull().defaultTo('person')).execute();

  await db.schema
    .createTable('business_profiles')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('about', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('address', 'text', (c) => c.notNull().defaultTo(''))
    .addColumn('latitude', 'double precision')
    .addColumn('longitude', 'double precision')
    .addColumn('timezone', 'text', (c) => c.notNull().defaultTo('UTC'))
    // JSON: BusinessHours (see contracts/business.ts)
    .addColumn('hours', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('email', 'text', (c) => c.notNull().defaultTo(''))
    // JSON: string[] (at most 2)
    .addColumn('websites', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('photo_media_id', 'text')
    // Set when an administrator approves verification; cleared when the business name changes.
    .addColumn('verified_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('business_profiles').execute();
  await db.schema.alterTable('accounts').dropColumn('kind').execute();
}
