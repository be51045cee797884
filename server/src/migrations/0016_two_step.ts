/**
 * Two-step verification of Parley accounts (domain/accounts/two-step.ts): the PIN (scrypt hash),
 * the optional recovery email, the reminder schedule, the wrong-PIN counter and its wait, and a
 * pending reset; plus the short-lived sign-in tickets that stand for a proven SMS code while the
 * PIN is asked.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('two_step')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id'))
    // scrypt$N$r$p$salt$hash (as administrators' passwords).
    .addColumn('pin_hash', 'text', (c) => c.notNull())
    // Recovery email, or null.
    .addColumn('email', 'text')
    .addColumn('enabled_at', 'bigint', (c) => c.notNull())
    // Last time the PIN was set or entered correctly; reminders count from it.
    .addColumn('confirmed_at', 'bigint', (c) => c.notNull())
    // Correct reminder answers since the PIN was set (picks the next interval).
    .addColumn('reminder_step', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_reminder_at', 'bigint', (c) => c.notNull())
    // Wrong reminder answers since the PIN was set (they also count towards the wrong-PIN wait).
    .addColumn('reminder_misses', 'integer', (c) => c.notNull().defaultTo(0))
    // Wrong PINs in a row (sign-in, change, turn off); from the 5th on, a growing wait.
    .addColumn('failures', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'bigint')
    // "Forgot PIN": a reset code sent by email (hash, expiry, wrong tries), or the start of the
    // 7-day wait when there is no recovery email.
    .addColumn('reset_code_hash', 'text')
    .addColumn('reset_expires_at', 'bigint')
    .addColumn('reset_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('reset_requested_at', 'bigint')
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('two_step_tickets')
    // sha256 of the ticket given to the client after a correct SMS code.
    .addColumn('ticket_hash', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('device_name', 'text', (c) => c.notNull())
    .addColumn('platform', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('two_step_tickets_expiry').on('two_step_tickets').column('expires_at').execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('two_step_tickets').execute();
  await db.schema.dropTable('two_step').execute();
}
