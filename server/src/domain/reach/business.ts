/**
 * @module domain/reach/business
 * Who may use the reach area: a business account (kind 'business' with a business profile), only
 * for its own data.
 */
import type { Kysely, Transaction } from 'kysely';
import { AppError } from '../../errors.js';
import type { Actor } from '../../context.js';
import type { DB } from '../../tables.js';

export interface BusinessInfo {
  accountId: string;
  phone: string;
  name: string;
  timezone: string;
  /** The business's own read-receipts setting (off: it sees no one's reads, statistics included). */
  readReceipts: boolean;
}

/** The actor's business account, or NOT_A_BUSINESS. */
export async function accessBusiness(db: Kysely<DB> | Transaction<DB>, actor: Actor): Promise<BusinessInfo> {
  const row = await db
    .selectFrom('accounts')
    .innerJoin('business_profiles', 'business_profiles.account_id', 'accounts.id')
    .select(['accounts.id', 'accounts.phone', 'accounts.kind', 'accounts.read_receipts', 'business_profiles.name', 'business_profiles.timezone'])
    .where('accounts.id', '=', actor.accountId)
    .executeTakeFirst();
  if (!row || row.kind !== 'business') throw new AppError('NOT_A_BUSINESS');
  return { accountId: row.id, phone: row.phone, name: row.name, timezone: row.timezone, readReceipts: row.read_receipts === 1 };
}
