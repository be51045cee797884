/**
 * Business API management (Cloud API compatible): per API number state (two-step PIN hash and its
 * wrong-guess counter, last registration), prefilled-message QR codes (`message_qrdls`, opened
 * through the ordinary short-link route) and the commerce settings of a number.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_number_state')
    .addColumn('phone_number_id', 'text', (c) => c.primaryKey().references('api_numbers.id'))
    // scrypt$N$r$p$salt$hash (as administrators' passwords); null: no two-step PIN set yet.
    .addColumn('pin_hash', 'text')
    // Wrong PINs in a row; at the limit the number is locked until pin_locked_until.
    .addColumn('pin_failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('pin_locked_until', 'bigint')
    .addColumn('registered_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_qr_codes')
    // 14 characters [A-Z0-9], random (72 bits): the path of the deep link /l/{code}.
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('phone_number_id', 'text', (c) => c.notNull().references('api_numbers.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('prefilled_message', 'text', (c) => c.notNull())
    // 'PNG' | 'SVG': the format of qr_image_url.
    .addColumn('image_format', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_qr_codes_number').on('api_qr_codes').columns(['phone_number_id', 'created_at']).execute();

  await db.schema
    .createTable('api_commerce_settings')
    .addColumn('phone_number_id', 'text', (c) => c.primaryKey().references('api_numbers.id'))
    // The settings object's graph id (data[].id).
    .addColumn('id', 'text', (c) => c.notNull().unique())
    .addColumn('is_cart_enabled', 'integer', (c) => c.notNull())
    .addColumn('is_catalog_visible', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['api_commerce_settings', 'api_qr_codes', 'api_number_state']) await db.schema.dropTable(t).execute();
}
