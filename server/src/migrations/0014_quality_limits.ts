/**
 * Business API quality rating and messaging limits (domain/api/quality.ts, domain/api/policy.ts):
 * when each customer last got a business-initiated message (customer_policy), the blocks and
 * reports customers gave a business, each WABA's quality rating and messaging-limit tier, and the
 * history of their changes.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The latest business-initiated message (a template while the service window was closed) the
  // customer got from the business: the messaging limit counts customers with one in the last 24 h.
  await db.schema.alterTable('customer_policy').addColumn('last_biz_initiated_at', 'bigint').execute();
  await db.schema.createIndex('customer_policy_biz_initiated').on('customer_policy').columns(['business_id', 'last_biz_initiated_at']).execute();

  // One row per block or report of a business by a customer (the quality rating's input).
  await db.schema
    .createTable('api_feedback')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('customer_id', 'text', (c) => c.notNull().references('accounts.id'))
    // 'block' | 'report'
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_feedback_business_at').on('api_feedback').columns(['business_id', 'at']).execute();

  // Per WABA (one API number each): the quality rating and the messaging-limit tier.
  await db.schema
    .createTable('api_quality')
    .addColumn('waba_id', 'text', (c) => c.primaryKey().references('wabas.id'))
    .addColumn('business_id', 'text', (c) => c.notNull().references('accounts.id'))
    // 'GREEN' | 'YELLOW' | 'RED'
    .addColumn('rating', 'text', (c) => c.notNull())
    .addColumn('rating_since', 'bigint', (c) => c.notNull())
    // 'TIER_250' | 'TIER_2K' | 'TIER_10K' | 'TIER_100K' | 'TIER_UNLIMITED'
    .addColumn('tier', 'text', (c) => c.notNull())
    .addColumn('tier_since', 'bigint', (c) => c.notNull())
    .addColumn('evaluated_at', 'bigint', (c) => c.notNull())
    .execute();

  // Every rating and tier change, for the owner's health view.
  await db.schema
    .createTable('api_quality_history')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('waba_id', 'text', (c) => c.notNull().references('wabas.id'))
    .addColumn('at', 'bigint', (c) => c.notNull())
    // Order of the changes made at one time (a flag, then the downgrade it causes).
    .addColumn('seq', 'integer', (c) => c.notNull())
    // 'UPGRADE' | 'DOWNGRADE' | 'FLAGGED' | 'UNFLAGGED'
    .addColumn('event', 'text', (c) => c.notNull())
    .addColumn('detail', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_quality_history_waba_at').on('api_quality_history').columns(['waba_id', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('api_quality_history').execute();
  await db.schema.dropTable('api_quality').execute();
  await db.schema.dropTable('api_feedback').execute();
  await db.schema.dropIndex('customer_policy_biz_initiated').execute();
  await db.schema.alterTable('customer_policy').dropColumn('last_biz_initiated_at').execute();
}
