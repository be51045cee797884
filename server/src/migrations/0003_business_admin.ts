/**
 * Business verification and platform administrators: verification requests (legal name, documents,
 * review outcome), administrator accounts (scrypt password hashes) and their sessions (hashed,
 * expiring tokens). At most one pending request per business (partial unique index).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('business_verifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('legal_name', 'text', (c) => c.notNull())
    // JSON: string[] of media ids (1..5)
    .addColumn('document_media_ids', 'text', (c) => c.notNull())
    // 'pending' | 'approved' | 'rejected'
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .addColumn('reviewed_by', 'text')
    .addColumn('reviewed_at', 'bigint')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('business_verifications_account').on('business_verifications').columns(['account_id', 'created_at']).execute();
  await db.schema.createIndex('business_verifications_status').on('business_verifications').columns(['status', 'created_at']).execute();
  await sql`create unique index business_verifications_one_pending on business_verifications (account_id) where status = 'pending'`.execute(db);

  await db.schema
    .createTable('admins')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('username', 'text', (c) => c.notNull().unique())
    // scrypt$N$r$p$salt(base64)$hash(base64)
    .addColumn('password_hash', 'text', (c) => c.notNull())
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('admin_sessions')
    .addColumn('token_hash', 'text', (c) => c.primaryKey())
    .addColumn('admin_id', 'text', (c) => c.notNull().references('admins.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('admin_sessions').execute();
  await db.schema.dropTable('admins').execute();
  await db.schema.dropTable('business_verifications').execute();
}
