/**
 * Business messaging policy (domain/api/policy.ts): per business and customer, when the customer
 * last wrote (the customer-service window), the customer's opt-in (source and time) and marketing
 * opt-out / resume.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('customer_policy')
    .addColumn('business_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('customer_id', 'text', (c) => c.notNull().references('accounts.id'))
    // The customer's latest message to the business (null: never wrote); the window lasts 24 h from it.
    .addColumn('last_inbound_at', 'bigint')
    // Opt-in: when and how ('customer_message': the customer wrote first; 'resume': marketing resumed).
    .addColumn('opt_in_at', 'bigint')
    .addColumn('opt_in_source', 'text')
    // Marketing opt-out (null: marketing allowed), its source ('quick_reply' | 'customer_control'),
    // and the latest resume.
    .addColumn('marketing_opt_out_at', 'bigint')
    .addColumn('marketing_opt_out_source', 'text')
    .addColumn('marketing_resumed_at', 'bigint')
    .addPrimaryKeyConstraint('customer_policy_pk', ['business_id', 'customer_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('customer_policy').execute();
}
