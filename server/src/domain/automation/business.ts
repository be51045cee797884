/**
 * @module domain/automation/business
 * Who may use the business tools (a business account: kind 'business' with a profile) and the
 * per-business row of tool settings, created on first use with the default labels.
 */
import type { Kysely, Transaction } from 'kysely';
import { DEFAULT_LABELS } from '#contracts/labels.js';
import type { AwaySettings, GreetingSettings } from '#contracts/automation.js';
import { accessBusinessAccount } from '../business/index.js';
import { newId } from '../../platform/ids.js';
import type { Actor, Ctx } from '../../context.js';
import type { BusinessAutomationTable, DB } from '../../tables.js';

export const DEFAULT_GREETING: GreetingSettings = { enabled: false, text: '', recipients: 'everyone', phones: [] };
export const DEFAULT_AWAY: AwaySettings = { enabled: false, text: '', schedule: 'always', start: null, end: null, recipients: 'everyone', phones: [] };

/** The actor's account id when it is a business account; NOT_A_BUSINESS otherwise. */
export async function accessBusiness(db: Kysely<DB>, actor: Actor): Promise<string> {
  return (await accessBusinessAccount(db, actor)).accountId;
}

/**
 * Create the business's tool settings row and its five default labels if not done yet; returns
 * the row. Call inside a write op (business registration may call it too; it is idempotent).
 */
export async function seedBusinessTools(tx: Transaction<DB>, businessId: string, now: number): Promise<BusinessAutomationTable> {
  const existing = await tx.selectFrom('business_automation').selectAll().where('account_id', '=', businessId).executeTakeFirst();
  if (existing) return existing;
  const row: BusinessAutomationTable = {
    account_id: businessId,
    greeting: JSON.stringify(DEFAULT_GREETING),
    away: JSON.stringify(DEFAULT_AWAY),
    away_epoch: now,
    labels_seeded: 1,
    updated_at: now,
  };
  await tx.insertInto('business_automation').values(row).execute();
  await tx
    .insertInto('labels')
    .values(
      DEFAULT_LABELS.map((l, i) => ({
        id: newId('lbl'),
        business_id: businessId,
        name: l.name,
        name_key: l.name.toLowerCase(),
        color: l.color,
        default_key: l.key,
        // Keep the defaults in their listed order.
        created_at: now + i,
        updated_at: now + i,
      })),
    )
    .execute();
  return row;
}

/** Make sure the business's tools are seeded before a read (one small write the first time only). */
export async function ensureSeeded(ctx: Ctx, businessId: string): Promise<void> {
  const row = await ctx.db.selectFrom('business_automation').select('account_id').where('account_id', '=', businessId).executeTakeFirst();
  if (row) return;
  await ctx.writes.run(async (tx) => {
    await seedBusinessTools(tx, businessId, ctx.clock.now());
  });
}
