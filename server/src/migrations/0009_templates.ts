/**
 * Message templates of the Business API tier (Cloud API compatible, reference §7): one row per
 * (WABA, name, language). The id is a graph node of kind 'template'. A deleted template stays as a
 * tombstone (status DELETED) so that an approved name is not reused for 30 days.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_templates')
    // The template (hsm) id: a graph node id.
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('waba_id', 'text', (c) => c.notNull().references('wabas.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    // Normalized locale code ('en_US', 'fr', 'pt_BR').
    .addColumn('language', 'text', (c) => c.notNull())
    // 'MARKETING' | 'UTILITY' | 'AUTHENTICATION'
    .addColumn('category', 'text', (c) => c.notNull())
    .addColumn('previous_category', 'text')
    // 'APPROVED' | 'PENDING' | 'REJECTED' | 'PAUSED' | 'DISABLED' | 'DELETED' …
    .addColumn('status', 'text', (c) => c.notNull())
    // 'NONE' or the review's reason (ABUSIVE_CONTENT, INVALID_FORMAT …)
    .addColumn('rejected_reason', 'text', (c) => c.notNull())
    // 'GREEN' | 'YELLOW' | 'RED' | 'UNKNOWN'
    .addColumn('quality_score', 'text', (c) => c.notNull())
    .addColumn('quality_updated_at', 'bigint')
    // 'POSITIONAL' | 'NAMED'
    .addColumn('parameter_format', 'text', (c) => c.notNull())
    // JSON: the components as stored (uppercase types, examples kept).
    .addColumn('components', 'text', (c) => c.notNull())
    // The body text, for the content filter of the list.
    .addColumn('body_text', 'text', (c) => c.notNull())
    .addColumn('message_send_ttl_seconds', 'integer')
    // JSON array of the times of edits made to the approved template (edit quota).
    .addColumn('edit_times', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .addColumn('deleted_at', 'bigint')
    // A tombstone blocks its (name, language) until then (30 days for a deleted approved template).
    .addColumn('reusable_at', 'bigint')
    .execute();
  await db.schema.createIndex('api_templates_name').on('api_templates').columns(['waba_id', 'name', 'language']).unique().execute();
  await db.schema.createIndex('api_templates_waba').on('api_templates').columns(['waba_id', 'created_at']).execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('api_templates').execute();
}
