/**
 * @module domain/business/profile
 * Business accounts and their profile: registering or converting a number as a business, the
 * business's own profile (read and change, every field checked before anything is written) and the
 * public profile customers see. The account's display name and photo follow the business name and
 * photo; a change of name removes the verified badge.
 */
import type { Kysely, Transaction } from 'kysely';
import { BUSINESS_CATEGORIES, type BusinessHours, type BusinessProfile } from '#contracts/business.js';
import { BUSINESS_LIMITS, type PublicBusinessProfile } from '#contracts/business-profile.js';
import { AppError } from '../../errors.js';
import { accountTopic, type Actor, type Ctx } from '../../context.js';
import type { BusinessProfilesTable, DB } from '../../tables.js';
import { forgetAccountKind, profilesFor } from '../accounts/index.js';
import { notifyBusinessChanged } from '../messaging/index.js';
import { canonicalTimeZone, checkHours, isOpenAt } from './hours.js';

// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u001f\u007f]/;
/** What the business profile and the two-step recovery email accept as an email address. */
export const EMAIL_PATTERN = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function toBusinessProfile(row: BusinessProfilesTable): BusinessProfile {
  return {
    accountId: row.account_id,
    name: row.name,
    category: row.category,
    description: row.description,
    about: row.about,
    address: row.address,
    location: row.latitude !== null && row.longitude !== null ? { latitude: row.latitude, longitude: row.longitude } : null,
    timezone: row.timezone,
    hours: JSON.parse(row.hours) as BusinessHours,
    email: row.email,
    websites: JSON.parse(row.websites) as string[],
    photoMediaId: row.photo_media_id,
    verified: row.verified_at !== null,
    updatedAt: row.updated_at,
  };
}

function tooLong(field: string, max: number): AppError {
  return new AppError('BUSINESS_FIELD_TOO_LONG', `${field} must be at most ${max} characters.`, { field, max });
}

/** Trim a text field and check its length (and, for single lines, that it has no line breaks). */
export function checkText(value: string, field: string, max: number, { singleLine = false, required = false } = {}): string {
  const v = value.trim();
  if (required && v === '') throw new AppError('BUSINESS_FIELD_INVALID', `${field} must not be empty.`, { field });
  if (singleLine && CONTROL_CHARS.test(v)) throw new AppError('BUSINESS_FIELD_INVALID', `${field} must be a single line of text.`, { field });
  if ([...v].length > max) throw tooLong(field, max);
  return v;
}

export function checkBusinessName(name: string): string {
  return checkText(name, 'name', BUSINESS_LIMITS.name, { singleLine: true, required: true });
}

export function checkCategory(category: string): string {
  if (!(BUSINESS_CATEGORIES as readonly string[]).includes(category)) {
    throw new AppError('CATEGORY_UNKNOWN', `"${category}" is not a business category.`, { field: 'category', allowed: BUSINESS_CATEGORIES });
  }
  return category;
}

export interface NewBusiness {
  name: string;
  category: string;
}

/** Check a business name and category given at registration or conversion. */
export function checkNewBusiness(input: NewBusiness): NewBusiness {
  return { name: checkBusinessName(input.name), category: checkCategory(input.category) };
}

/**
 * Make `accountId` a business with a fresh profile (call inside a write op, with checked input):
 * the account's kind becomes 'business' and its display name the business name.
 */
export async function doCreateBusiness(tx: Transaction<DB>, accountId: string, input: NewBusiness, now: number): Promise<BusinessProfilesTable> {
  const row: BusinessProfilesTable = {
    account_id: accountId,
    name: input.name,
    category: input.category,
    description: '',
    about: '',
    address: '',
    latitude: null,
    longitude: null,
    timezone: 'UTC',
    hours: '{}',
    email: '',
    websites: '[]',
    photo_media_id: null,
    verified_at: null,
    created_at: now,
    updated_at: now,
  };
  await tx.insertInto('business_profiles').values(row).execute();
  await tx.updateTable('accounts').set({ kind: 'business', display_name: input.name }).where('id', '=', accountId).execute();
  return row;
}

/** Convert the actor's personal account into a business (one way: a business cannot convert back). */
export async function convertToBusiness(ctx: Ctx, actor: Actor, input: NewBusiness): Promise<BusinessProfile> {
  const checked = checkNewBusiness(input);
  const profile = await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const account = await tx.selectFrom('accounts').select(['kind']).where('id', '=', actor.accountId).executeTakeFirst();
    if (!account) throw new AppError('ACCOUNT_NOT_FOUND');
    const existing = await tx.selectFrom('business_profiles').select('account_id').where('account_id', '=', actor.accountId).executeTakeFirst();
    if (account.kind === 'business' || existing) throw new AppError('ALREADY_BUSINESS');
    const row = await doCreateBusiness(tx, actor.accountId, checked, now);
    emit({ topic: accountTopic(actor.accountId), event: { kind: 'account.changed' } });
    await notifyBusinessChanged(tx, emit, actor.accountId, 'profile', now);
    return toBusinessProfile(row);
  });
  forgetAccountKind(ctx, actor.accountId);
  return profile;
}

/** The business profile row of the actor's own account, or NOT_A_BUSINESS. */
export async function accessOwnBusiness(db: Kysely<DB> | Transaction<DB>, actor: Actor): Promise<BusinessProfilesTable> {
  const row = await db.selectFrom('business_profiles').selectAll().where('account_id', '=', actor.accountId).executeTakeFirst();
  if (!row) throw new AppError('NOT_A_BUSINESS', 'Only a business account has a business profile; convert the account first.');
  return row;
}

/** What the business areas need to know of the business asking. */
export interface BusinessActor {
  accountId: string;
  phone: string;
  name: string;
  timezone: string;
  /** The business's own read-receipts setting (off: it sees no one's reads, statistics included). */
  readReceipts: boolean;
}

/** The actor's business account, or NOT_A_BUSINESS: the one check every business area makes. */
export async function accessBusinessAccount(db: Kysely<DB> | Transaction<DB>, actor: Actor): Promise<BusinessActor> {
  const row = await db
    .selectFrom('accounts as a')
    .innerJoin('business_profiles as b', 'b.account_id', 'a.id')
    .select(['a.id', 'a.phone', 'a.read_receipts', 'b.name', 'b.timezone'])
    .where('a.id', '=', actor.accountId)
    .where('a.kind', '=', 'business')
    .executeTakeFirst();
  if (!row) throw new AppError('NOT_A_BUSINESS');
  return { accountId: row.id, phone: row.phone, name: row.name, timezone: row.timezone, readReceipts: row.read_receipts === 1 };
}

export async function getBusinessProfile(ctx: Ctx, actor: Actor): Promise<BusinessProfile> {
  return toBusinessProfile(await accessOwnBusiness(ctx.db, actor));
}

export interface BusinessProfilePatch {
  name?: string | undefined;
  category?: string | undefined;
  description?: string | undefined;
  about?: string | undefined;
  address?: string | undefined;
  location?: { latitude: number; longitude: number } | null | undefined;
  timezone?: string | undefined;
  hours?: unknown;
  email?: string | undefined;
  websites?: string[] | undefined;
  /** An image the business uploaded, or null to remove the photo. */
  photoMediaId?: string | null | undefined;
}

/** Check every field of a patch, in request order; the first refusal is thrown and nothing is written. */
export function checkProfilePatch(patch: BusinessProfilePatch): Partial<BusinessProfilesTable> {
  const set: Partial<BusinessProfilesTable> = {};
  if (patch.name !== undefined) set.name = checkBusinessName(patch.name);
  if (patch.category !== undefined) set.category = checkCategory(patch.category);
  if (patch.description !== undefined) set.description = checkText(patch.description, 'description', BUSINESS_LIMITS.description);
  if (patch.about !== undefined) set.about = checkText(patch.about, 'about', BUSINESS_LIMITS.about, { singleLine: true });
  if (patch.address !== undefined) set.address = checkText(patch.address, 'address', BUSINESS_LIMITS.address);
  if (patch.location !== undefined) {
    const l = patch.location;
    if (l === null) {
      set.latitude = null;
      set.longitude = null;
    } else {
      const ok = Number.isFinite(l.latitude) && Number.isFinite(l.longitude) && Math.abs(l.latitude) <= 90 && Math.abs(l.longitude) <= 180;
      if (!ok) throw new AppError('LOCATION_INVALID', undefined, { field: 'location' });
      set.latitude = l.latitude;
      set.longitude = l.longitude;
    }
  }
  if (patch.timezone !== undefined) {
    const zone = canonicalTimeZone(patch.timezone.trim());
    if (!zone) throw new AppError('TIMEZONE_INVALID', `"${patch.timezone}" is not an IANA time zone (e.g. Europe/Paris).`, { field: 'timezone' });
    set.timezone = zone;
  }
  if (patch.hours !== undefined) set.hours = JSON.stringify(checkHours(patch.hours));
  if (patch.email !== undefined) {
    const email = checkText(patch.email, 'email', BUSINESS_LIMITS.email, { singleLine: true });
    if (email !== '' && !EMAIL_PATTERN.test(email)) throw new AppError('EMAIL_INVALID', `"${email}" is not an email address.`, { field: 'email' });
    set.email = email;
  }
  if (patch.websites !== undefined) {
    if (patch.websites.length > BUSINESS_LIMITS.websites) throw new AppError('TOO_MANY_WEBSITES', undefined, { field: 'websites', max: BUSINESS_LIMITS.websites });
    const sites = patch.websites.map((raw, i) => {
      const field = `websites[${i}]`;
      const site = raw.trim();
      if ([...site].length > BUSINESS_LIMITS.website) throw tooLong(field, BUSINESS_LIMITS.website);
      const url = URL.canParse(site) ? new URL(site) : null;
      if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || !url.hostname || /\s/.test(site)) {
        throw new AppError('WEBSITE_INVALID', `${field} must be an http or https address.`, { field });
      }
      return site;
    });
    set.websites = JSON.stringify(sites);
  }
  if (patch.photoMediaId !== undefined) set.photo_media_id = patch.photoMediaId;
  return set;
}

/** A business photo must be an image the business uploaded itself. */
async function checkBusinessPhoto(tx: Transaction<DB>, accountId: string, mediaId: string): Promise<void> {
  const media = await tx.selectFrom('media').select(['kind', 'uploader_id']).where('id', '=', mediaId).executeTakeFirst();
  if (!media || media.uploader_id !== accountId) throw new AppError('MEDIA_NOT_FOUND', undefined, { field: 'photoMediaId' });
  if (media.kind !== 'image') throw new AppError('MEDIA_KIND_MISMATCH', `A business photo must be an image; this media is ${media.kind}.`, { field: 'photoMediaId' });
}

/**
 * Change the actor's business profile. Every field is checked first; then one write updates the
 * profile (and the account's display name and photo, which follow it). A new name removes the
 * verified badge. The business's devices hear `business.changed` (area 'profile').
 */
export async function updateBusinessProfile(ctx: Ctx, actor: Actor, patch: BusinessProfilePatch): Promise<BusinessProfile> {
  const set = checkProfilePatch(patch);
  return ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const current = await accessOwnBusiness(tx, actor);
    if (typeof set.photo_media_id === 'string') await checkBusinessPhoto(tx, actor.accountId, set.photo_media_id);
    if (set.name !== undefined && set.name !== current.name) set.verified_at = null;
    const row = await tx
      .updateTable('business_profiles')
      .set({ ...set, updated_at: now })
      .where('account_id', '=', actor.accountId)
      .returningAll()
      .executeTakeFirstOrThrow();
    const accountPatch: { display_name?: string; photo_media_id?: string | null } = {};
    if (set.name !== undefined) accountPatch.display_name = set.name;
    if (set.photo_media_id !== undefined) accountPatch.photo_media_id = set.photo_media_id;
    if (Object.keys(accountPatch).length > 0) {
      await tx.updateTable('accounts').set(accountPatch).where('id', '=', actor.accountId).execute();
      emit({ topic: accountTopic(actor.accountId), event: { kind: 'account.changed' } });
    }
    await notifyBusinessChanged(tx, emit, actor.accountId, 'profile', now);
    return toBusinessProfile(row);
  });
}

/**
 * A business's profile as a customer sees it, with `openNow` in the business's time zone. The photo
 * follows the business's photo privacy like any profile photo. ACCOUNT_NOT_FOUND for an unknown
 * account, NOT_A_BUSINESS for a person.
 */
export async function getPublicBusinessProfile(ctx: Ctx, actor: Actor, accountId: string): Promise<PublicBusinessProfile> {
  const profile = (await profilesFor(ctx.db, actor.accountId, [accountId])).get(accountId);
  if (!profile) throw new AppError('ACCOUNT_NOT_FOUND');
  const row = profile.kind === 'business' ? await ctx.db.selectFrom('business_profiles').selectAll().where('account_id', '=', accountId).executeTakeFirst() : undefined;
  if (!row) throw new AppError('NOT_A_BUSINESS');
  const full = toBusinessProfile(row);
  return { ...full, photoMediaId: profile.photoMediaId, openNow: isOpenAt(full.hours, full.timezone, ctx.clock.now()) };
}
