/**
 * The automatic template review and template quality (domain/api/templates/review.ts, quality.ts):
 * a rejected template keeps its rejection_info; a paused one its end; the pause count decides the
 * next pause (3 h, 6 h, then DISABLED). Template sends and the customer feedback attributed to them
 * (blocks, reports) feed the template's quality score.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  // JSON {reason, recommendation} of a REJECTED template (null otherwise).
  await db.schema.alterTable('api_templates').addColumn('rejection_info', 'text').execute();
  // A PAUSED template is reinstated at this time (epoch ms).
  await db.schema.alterTable('api_templates').addColumn('paused_until', 'bigint').execute();
  // How many times the template was paused for low quality (the third time disables it).
  await db.schema.alterTable('api_templates').addColumn('pause_count', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  // Sends and feedback before this time (the latest reinstatement) do not count for the quality score.
  await db.schema.alterTable('api_templates').addColumn('quality_since', 'bigint').execute();

  // One row per template message the business sent to a Parley customer.
  await db.schema
    .createTable('api_template_sends')
    .addColumn('message_id', 'text', (c) => c.primaryKey())
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('business_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_template_sends_pair').on('api_template_sends').columns(['business_id', 'customer_id', 'at']).execute();
  await db.schema.createIndex('api_template_sends_template').on('api_template_sends').columns(['template_id', 'at']).execute();

  // A block or report by a customer, attributed to the latest template the business sent them.
  await db.schema
    .createTable('api_template_feedback')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('template_id', 'text', (c) => c.notNull())
    .addColumn('customer_id', 'text', (c) => c.notNull())
    // 'block' | 'report'
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_template_feedback_template').on('api_template_feedback').columns(['template_id', 'at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('api_template_feedback').execute();
  await db.schema.dropTable('api_template_sends').execute();
  for (const c of ['quality_since', 'pause_count', 'paused_until', 'rejection_info']) await db.schema.alterTable('api_templates').dropColumn(c).execute();
}
