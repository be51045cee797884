/**
 * End-to-end encryption (docs/adr/0007): the server's credential signing key, device credentials,
 * key packages (each handed out once), each chat's MLS epoch and its ordered commits, and
 * once-only resend requests.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('e2e_server_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('private_key', 'text', (c) => c.notNull())
    .addColumn('public_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('e2e_devices')
    .addColumn('device_id', 'text', (c) => c.primaryKey().references('devices.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('signature_key', 'text', (c) => c.notNull())
    .addColumn('credential', 'text', (c) => c.notNull())
    .addColumn('announced', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('e2e_devices_account').on('e2e_devices').column('account_id').execute();
  await db.schema
    .createTable('e2e_key_packages')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('e2e_key_packages_device').on('e2e_key_packages').columns(['device_id', 'created_at']).execute();
  await db.schema
    .createTable('e2e_groups')
    .addColumn('chat_id', 'text', (c) => c.primaryKey().references('chats.id'))
    .addColumn('epoch', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('e2e_commits')
    .addColumn('chat_id', 'text', (c) => c.notNull().references('chats.id'))
    .addColumn('epoch', 'bigint', (c) => c.notNull())
    .addColumn('sender_device_id', 'text', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('e2e_commits_pk', ['chat_id', 'epoch'])
    .execute();
  await db.schema
    .createTable('e2e_resends')
    .addColumn('message_id', 'text', (c) => c.notNull())
    .addColumn('requester_device_id', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('e2e_resends_pk', ['message_id', 'requester_device_id'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['e2e_resends', 'e2e_commits', 'e2e_groups', 'e2e_key_packages', 'e2e_devices', 'e2e_server_keys']) await db.schema.dropTable(t).execute();
}
