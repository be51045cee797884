/**
 * Business messaging policy (domain/api/policy.ts): per business and customer, when the customer
 * last wrote (the customer-service window), the customer's opt-in (source and time) and marketing
 * opt-out / resume.
 */
import { sql, type Kysely } from 'kysely';

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

  await backfillCustomerWindows(db);
}

/**
 * Customers who wrote to a business before this migration keep their open window: each one's
 * latest delivered message in a direct chat with a business account (rows already there are kept).
 */
export async function backfillCustomerWindows(db: Kysely<unknown>): Promise<void> {
  await sql`
    INSERT INTO customer_policy (business_id, customer_id, last_inbound_at, opt_in_at, opt_in_source)
    SELECT b.account_id, m.sender_id, MAX(m.created_at), MIN(m.created_at), 'customer_message'
    FROM messages m
    JOIN chats c ON c.id = m.chat_id AND c.kind = 'direct'
    JOIN chat_members b ON b.chat_id = m.chat_id AND b.account_id <> m.sender_id
    JOIN accounts a ON a.id = b.account_id AND a.kind = 'business'
    WHERE m.withheld = 0
      AND NOT EXISTS (SELECT 1 FROM customer_policy p WHERE p.business_id = b.account_id AND p.customer_id = m.sender_id)
    GROUP BY b.account_id, m.sender_id
  `.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('customer_policy').execute();
}
