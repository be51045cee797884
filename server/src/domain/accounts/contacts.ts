/**
 * @module domain/accounts/contacts
 * The numbers an account saved, under the names it chose. Saved numbers matter beyond the list:
 * a privacy setting of "contacts" means "the numbers I saved" (see ./relations.ts).
 * Rules: numbers are stored in E.164 form; names are 1–128 characters; at most 5000 per account.
 */
import type { Contact } from '#contracts/models.js';
import { AppError } from '../../errors.js';
import { accountTopic, type Actor, type Ctx } from '../../context.js';
import { normalizePhone } from './phone.js';
import { cleanLine } from './profile.js';
import { toContact } from './views.js';

export const MAX_CONTACTS = 5000;
export const CONTACT_NAME_MAX = 128;

/** The actor's contacts by name, each with the Parley account that has the number, if any. */
export async function listContacts(ctx: Ctx, actor: Actor): Promise<Contact[]> {
  const rows = await ctx.db
    .selectFrom('contacts as c')
    .leftJoin('accounts as a', 'a.phone', 'c.phone')
    .select(['c.phone', 'c.name', 'a.id as account_id'])
    .where('c.owner_id', '=', actor.accountId)
    .orderBy('c.name')
    .orderBy('c.phone')
    .execute();
  return rows.map(toContact);
}

export interface ContactInput {
  phone: string;
  name: string;
}

/** Save a number under a name, or rename it when already saved. PHONE_INVALID, CONTACTS_LIMIT_REACHED. */
export async function saveContact(ctx: Ctx, actor: Actor, input: ContactInput): Promise<Contact> {
  const phone = normalizePhone(input.phone);
  const name = cleanLine(input.name, 'name', { min: 1, max: CONTACT_NAME_MAX });
  return ctx.writes.run(async (tx, emit) => {
    const existing = await tx.selectFrom('contacts').select('phone').where('owner_id', '=', actor.accountId).where('phone', '=', phone).executeTakeFirst();
    if (existing) {
      await tx.updateTable('contacts').set({ name }).where('owner_id', '=', actor.accountId).where('phone', '=', phone).execute();
    } else {
      const { n } = await tx
        .selectFrom('contacts')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('owner_id', '=', actor.accountId)
        .executeTakeFirstOrThrow();
      if (Number(n) >= MAX_CONTACTS) throw new AppError('CONTACTS_LIMIT_REACHED', `You can save at most ${MAX_CONTACTS} contacts.`, { limit: MAX_CONTACTS });
      await tx.insertInto('contacts').values({ owner_id: actor.accountId, phone, name, created_at: ctx.clock.now() }).execute();
    }
    const account = await tx.selectFrom('accounts').select('id').where('phone', '=', phone).executeTakeFirst();
    emit({ topic: accountTopic(actor.accountId), event: { kind: 'account.changed' } });
    return toContact({ phone, name, account_id: account?.id ?? null });
  });
}

/** Forget a saved number. PHONE_INVALID when it is no phone number, NOT_FOUND when it was not saved. */
export async function deleteContact(ctx: Ctx, actor: Actor, rawPhone: string): Promise<void> {
  const phone = normalizePhone(rawPhone);
  await ctx.writes.run(async (tx, emit) => {
    const res = await tx.deleteFrom('contacts').where('owner_id', '=', actor.accountId).where('phone', '=', phone).executeTakeFirst();
    if (Number(res.numDeletedRows) === 0) throw new AppError('NOT_FOUND', `${phone} is not in your contacts.`);
    emit({ topic: accountTopic(actor.accountId), event: { kind: 'account.changed' } });
  });
}
