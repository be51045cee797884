/**
 * Business tools: quick replies, labels (on chats and on messages), greeting and away settings,
 * and the record of automated messages already sent (at most one away message per chat and
 * away period).
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('quick_replies')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('shortcut', 'text', (c) => c.notNull())
    // Lower-cased shortcut: shortcuts are unique per business regardless of case.
    .addColumn('shortcut_key', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('media_id', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('quick_replies_shortcut').on('quick_replies').columns(['business_id', 'shortcut_key']).unique().execute();

  await db.schema
    .createTable('labels')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('business_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    // Lower-cased name: names are unique per business regardless of case.
    .addColumn('name_key', 'text', (c) => c.notNull())
    .addColumn('color', 'integer', (c) => c.notNull())
    .addColumn('default_key', 'text')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('labels_name').on('labels').columns(['business_id', 'name_key']).unique().execute();

  await db.schema
    .createTable('chat_labels')
    .addColumn('label_id', 'text', (c) => c.notNull().references('labels.id'))
    .addColumn('chat_id', 'text', (c) => c.notNull().references('chats.id'))
    .addColumn('business_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('chat_labels_pk', ['label_id', 'chat_id'])
    .execute();
  await db.schema.createIndex('chat_labels_business').on('chat_labels').columns(['business_id', 'chat_id']).execute();

  await db.schema
    .createTable('message_labels')
    .addColumn('label_id', 'text', (c) => c.notNull().references('labels.id'))
    .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id'))
    .addColumn('chat_id', 'text', (c) => c.notNull().references('chats.id'))
    .addColumn('business_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_labels_pk', ['label_id', 'message_id'])
    .execute();
  await db.schema.createIndex('message_labels_business').on('message_labels').columns(['business_id', 'message_id']).execute();

  await db.schema
    .createTable('business_automation')
    .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id'))
    // JSON GreetingSettings / AwaySettings (contracts/automation.ts)
    .addColumn('greeting', 'text', (c) => c.notNull())
    .addColumn('away', 'text', (c) => c.notNull())
    // When the away message was last turned on or its schedule changed: starts a new away period.
    .addColumn('away_epoch', 'bigint', (c) => c.notNull())
    // 1 once the default labels were created (deleting them all does not bring them back).
    .addColumn('labels_seeded', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('automation_sends')
    .addColumn('business_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('chat_id', 'text', (c) => c.notNull().references('chats.id'))
    // 'away' (greetings need no claim: they follow from the chat's history)
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('period_key', 'text', (c) => c.notNull())
    // The customer message that triggered it (a retry for the same message sends the same clientId).
    .addColumn('trigger_message_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('automation_sends_pk', ['business_id', 'chat_id', 'kind', 'period_key'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['automation_sends', 'business_automation', 'message_labels', 'chat_labels', 'labels', 'quick_replies']) {
    await db.schema.dropTable(t).execute();
  }
}
