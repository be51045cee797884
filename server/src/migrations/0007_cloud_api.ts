/**
 * The Business API tier (Cloud-API compatible): Graph node ids, WhatsApp Business Accounts (WABAs),
 * API phone numbers, apps with their secrets, hashed access tokens, webhook subscriptions, and the
 * webhook outbox (events with their delivery attempts).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Every object reachable by id on the API: a numeric string of 15–16 random digits, never reused.
  await db.schema
    .createTable('graph_nodes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // 'waba' | 'phone_number' | 'app' (later: 'media', 'template')
    .addColumn('kind', 'text', (c) => c.notNull())
    // The Parley row the node stands for (business account id, api_numbers.id, api_apps.id …).
    .addColumn('ref', 'text', (c) => c.notNull())
    .addColumn('waba_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('wabas')
    .addColumn('id', 'text', (c) => c.primaryKey())
    // One WABA per business account for now (unique); numbers hang off the WABA, so several fit.
    .addColumn('account_id', 'text', (c) => c.notNull().unique().references('accounts.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('api_numbers')
    // The phone_number_id (a graph node id).
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('waba_id', 'text', (c) => c.notNull().references('wabas.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    // Digits of the number without '+', as webhooks show it.
    .addColumn('display_phone_number', 'text', (c) => c.notNull())
    .addColumn('registered', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_numbers_account').on('api_numbers').column('account_id').unique().execute();
  await db.schema.createIndex('api_numbers_waba').on('api_numbers').column('waba_id').execute();

  await db.schema
    .createTable('api_apps')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('waba_id', 'text', (c) => c.notNull().references('wabas.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    // Signs webhooks (HMAC): kept in clear because signing needs it; never logged nor shown again.
    .addColumn('app_secret', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_apps_waba').on('api_apps').columns(['waba_id', 'created_at']).execute();

  await db.schema
    .createTable('api_tokens')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('waba_id', 'text', (c) => c.notNull().references('wabas.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    // Comma-separated: 'messaging', 'management'.
    .addColumn('scopes', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('last_used_at', 'bigint')
    .addColumn('revoked_at', 'bigint')
    .execute();
  await db.schema.createIndex('api_tokens_waba').on('api_tokens').columns(['waba_id', 'created_at']).execute();

  await db.schema
    .createTable('webhook_subscriptions')
    .addColumn('app_id', 'text', (c) => c.primaryKey().references('api_apps.id'))
    .addColumn('callback_url', 'text', (c) => c.notNull())
    .addColumn('verify_token', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('webhook_events')
    // Stable across retries (sent as X-Parley-Event-Id) for de-duplication.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('app_id', 'text', (c) => c.notNull().references('api_apps.id'))
    .addColumn('field', 'text', (c) => c.notNull())
    // Serialized once, ASCII-only; these exact bytes are signed and sent on every attempt.
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
    // 'pending' | 'delivered' | 'dropped'
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('delivered_at', 'bigint')
    .execute();
  await db.schema.createIndex('webhook_events_due').on('webhook_events').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('webhook_events_app').on('webhook_events').columns(['app_id', 'created_at']).execute();

  await db.schema
    .createTable('webhook_attempts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('event_id', 'text', (c) => c.notNull().references('webhook_events.id'))
    .addColumn('app_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .addColumn('status_code', 'integer')
    .addColumn('error', 'text')
    .addColumn('duration_ms', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('webhook_attempts_event').on('webhook_attempts').columns(['event_id', 'at']).execute();
  await db.schema.createIndex('webhook_attempts_app').on('webhook_attempts').columns(['app_id', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['webhook_attempts', 'webhook_events', 'webhook_subscriptions', 'api_tokens', 'api_apps', 'api_numbers', 'wabas', 'graph_nodes']) {
    await db.schema.dropTable(t).execute();
  }
}
