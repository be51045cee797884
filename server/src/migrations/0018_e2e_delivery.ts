/**
 * End-to-end encryption, second step (docs/adr/0007): encrypted reactions (`reactions.e2e`, the
 * envelope; `emoji` is then empty), welcomes kept until the addressed device confirms it joined,
 * last-resort key packages (handed out only when a device has no other, never deleted), the devices
 * the server knows to be in each chat's group (only they may commit), and an index to prune old
 * commits.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('reactions').addColumn('e2e', 'text').execute();
  await db.schema.alterTable('e2e_key_packages').addColumn('last_resort', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema
    .createTable('e2e_welcomes')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('chat_id', 'text', (c) => c.notNull().references('chats.id'))
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('epoch', 'bigint', (c) => c.notNull())
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('e2e_welcomes_device').on('e2e_welcomes').columns(['device_id', 'created_at']).execute();
  await db.schema.createIndex('e2e_welcomes_created').on('e2e_welcomes').column('created_at').execute();
  await db.schema.createIndex('e2e_commits_created').on('e2e_commits').column('created_at').execute();
  await db.schema
    .createTable('e2e_group_devices')
    .addColumn('chat_id', 'text', (c) => c.notNull().references('chats.id'))
    .addColumn('device_id', 'text', (c) => c.notNull().references('devices.id'))
    .addColumn('joined_epoch', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('e2e_group_devices_pk', ['chat_id', 'device_id'])
    .execute();
  await db.schema.createIndex('e2e_group_devices_device').on('e2e_group_devices').column('device_id').execute();
  // Groups made before: every credentialed device of their members may go on committing.
  await sql`insert into e2e_group_devices (chat_id, device_id, joined_epoch)
    select g.chat_id, e.device_id, g.epoch from e2e_groups g
    join chat_members m on m.chat_id = g.chat_id
    join e2e_devices e on e.account_id = m.account_id`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('e2e_group_devices').execute();
  await db.schema.dropIndex('e2e_commits_created').execute();
  await db.schema.dropTable('e2e_welcomes').execute();
  await db.schema.alterTable('e2e_key_packages').dropColumn('last_resort').execute();
  await db.schema.alterTable('reactions').dropColumn('e2e').execute();
}
