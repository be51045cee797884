/**
 * @module domain/accounts/profile
 * One's own profile (display name, about line, photo) and privacy settings, and other people's
 * profiles as the asker may see them (the decision itself lives in ./relations.ts).
 * Every change is announced to the account's own devices as `account.changed`.
 */
import type { Transaction } from 'kysely';
import type { Me, Privacy, PublicProfile } from '#contracts/models.js';
import { AppError } from '../../errors.js';
import { accountTopic, type Actor, type Ctx } from '../../context.js';
import type { AccountsTable, DB } from '../../tables.js';
import { normalizePhone } from './phone.js';
import { profilesFor } from './relations.js';
import { toMe } from './views.js';

export const DISPLAY_NAME_MAX = 64;
export const ABOUT_MAX = 139;

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;

/**
 * Trim a user-entered line of text and check its length; throws VALIDATION_FAILED naming `field`.
 * Control characters (newlines included) are refused: names and about lines are single lines.
 */
export function cleanLine(value: string, field: string, { min = 0, max }: { min?: number; max: number }): string {
  const v = value.trim();
  if (CONTROL_CHARS.test(v)) throw new AppError('VALIDATION_FAILED', `${field} must be a single line of text.`, { field });
  if (v.length < min) throw new AppError('VALIDATION_FAILED', `${field} must not be empty.`, { field });
  if (v.length > max) throw new AppError('VALIDATION_FAILED', `${field} must be at most ${max} characters.`, { field });
  return v;
}

/** The actor's own account, in full. */
export async function getMe(ctx: Ctx, actor: Actor): Promise<Me> {
  const row = await ctx.db.selectFrom('accounts').selectAll().where('id', '=', actor.accountId).executeTakeFirst();
  if (!row) throw new AppError('ACCOUNT_NOT_FOUND');
  return toMe(row);
}

export interface ProfileInput {
  displayName?: string | undefined;
  about?: string | undefined;
  /** An image the actor uploaded, or null to remove the photo. */
  photoMediaId?: string | null | undefined;
}

/**
 * Change the actor's display name, about line or photo; returns the account as it now is.
 * A business's name and photo follow its business profile (domain/business), so a business may
 * change only its about line here: BUSINESS_PROFILE_MANAGED otherwise, and nothing is written.
 */
export async function updateProfile(ctx: Ctx, actor: Actor, input: ProfileInput): Promise<Me> {
  const patch: Partial<Pick<AccountsTable, 'display_name' | 'about' | 'photo_media_id'>> = {};
  if (input.displayName !== undefined) patch.display_name = cleanLine(input.displayName, 'displayName', { max: DISPLAY_NAME_MAX });
  if (input.about !== undefined) patch.about = cleanLine(input.about, 'about', { max: ABOUT_MAX });
  if (input.photoMediaId !== undefined) patch.photo_media_id = input.photoMediaId;
  return changeAccount(ctx, actor, patch, async (tx) => {
    await checkNotBusinessManaged(tx, actor.accountId, input);
    if (typeof input.photoMediaId === 'string') await checkProfilePhoto(tx, actor.accountId, input.photoMediaId);
  });
}

/** A business's display name and photo are its business profile's: refuse changing them directly. */
async function checkNotBusinessManaged(tx: Transaction<DB>, accountId: string, input: ProfileInput): Promise<void> {
  const field = input.displayName !== undefined ? 'displayName' : input.photoMediaId !== undefined ? 'photoMediaId' : null;
  if (!field) return;
  const account = await tx.selectFrom('accounts').select('kind').where('id', '=', accountId).executeTakeFirst();
  if (account?.kind === 'business') {
    throw new AppError('BUSINESS_PROFILE_MANAGED', "A business's name and photo come from its business profile; change them in the business profile.", { field });
  }
}

/** Change any of the actor's privacy settings; returns the account as it now is. */
export async function updatePrivacy(ctx: Ctx, actor: Actor, input: Partial<Privacy>): Promise<Me> {
  const patch: Partial<Pick<AccountsTable, 'privacy_last_seen' | 'privacy_online' | 'privacy_photo' | 'privacy_about' | 'read_receipts'>> = {};
  if (input.lastSeen !== undefined) patch.privacy_last_seen = input.lastSeen;
  if (input.online !== undefined) patch.privacy_online = input.online;
  if (input.photo !== undefined) patch.privacy_photo = input.photo;
  if (input.about !== undefined) patch.privacy_about = input.about;
  if (input.readReceipts !== undefined) patch.read_receipts = input.readReceipts ? 1 : 0;
  return changeAccount(ctx, actor, patch);
}

/** Apply `patch` to the actor's account row (after `check`, inside the same write) and tell their devices. */
async function changeAccount(ctx: Ctx, actor: Actor, patch: Partial<AccountsTable>, check?: (tx: Transaction<DB>) => Promise<void>): Promise<Me> {
  return ctx.writes.run(async (tx, emit) => {
    await check?.(tx);
    const changed = Object.keys(patch).length > 0;
    const row = changed
      ? await tx.updateTable('accounts').set(patch).where('id', '=', actor.accountId).returningAll().executeTakeFirst()
      : await tx.selectFrom('accounts').selectAll().where('id', '=', actor.accountId).executeTakeFirst();
    if (!row) throw new AppError('ACCOUNT_NOT_FOUND');
    if (changed) emit({ topic: accountTopic(actor.accountId), event: { kind: 'account.changed' } });
    return toMe(row);
  });
}

/** A profile photo must be an image the account uploaded itself. */
async function checkProfilePhoto(tx: Transaction<DB>, accountId: string, mediaId: string): Promise<void> {
  const media = await tx.selectFrom('media').select(['kind', 'uploader_id']).where('id', '=', mediaId).executeTakeFirst();
  if (!media || media.uploader_id !== accountId) throw new AppError('MEDIA_NOT_FOUND');
  if (media.kind !== 'image') throw new AppError('MEDIA_KIND_MISMATCH', `A profile photo must be an image; this media is ${media.kind}.`);
}

/** Another account's profile as the actor may see it, or ACCOUNT_NOT_FOUND. */
export async function getProfile(ctx: Ctx, actor: Actor, accountId: string): Promise<PublicProfile> {
  const profile = (await profilesFor(ctx.db, actor.accountId, [accountId])).get(accountId);
  if (!profile) throw new AppError('ACCOUNT_NOT_FOUND');
  return profile;
}

/** The account with this phone number, as the actor may see it; PHONE_INVALID or ACCOUNT_NOT_FOUND otherwise. */
export async function lookupByPhone(ctx: Ctx, actor: Actor, rawPhone: string): Promise<PublicProfile> {
  const phone = normalizePhone(rawPhone);
  const row = await ctx.db.selectFrom('accounts').select('id').where('phone', '=', phone).executeTakeFirst();
  if (!row) throw new AppError('ACCOUNT_NOT_FOUND', `${phone} is not on Parley yet.`);
  return getProfile(ctx, actor, row.id);
}
