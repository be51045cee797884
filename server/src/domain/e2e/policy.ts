/**
 * @module domain/e2e/policy
 * Which chats are end-to-end encrypted: chats between people only. A chat with a business
 * terminates at the platform (docs/adr/0007), so envelopes and MLS commits are refused there.
 */
import type { Kysely } from 'kysely';
import { AppError } from '../../errors.js';
import type { DB } from '../../tables.js';

/** Whether every member of a chat is a person (the chat can be end-to-end encrypted). */
export async function isEncryptable(db: Kysely<DB>, memberIds: string[]): Promise<boolean> {
  if (memberIds.length === 0) return false;
  const business = await db.selectFrom('accounts').select('id').where('id', 'in', memberIds).where('kind', '=', 'business').executeTakeFirst();
  return !business;
}

/** Throws E2E_NOT_FOR_BUSINESS unless the chat is between people. */
export async function checkEncryptable(db: Kysely<DB>, memberIds: string[]): Promise<void> {
  if (!(await isEncryptable(db, memberIds))) throw new AppError('E2E_NOT_FOR_BUSINESS');
}
