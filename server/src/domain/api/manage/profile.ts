/**
 * @module domain/api/manage/profile
 * `GET|POST /{pnid}/whatsapp_business_profile` (reference §9.2) on the business's ordinary Parley
 * profile: the same row, the same checks (domain/business checkProfilePatch) and the same write
 * (updateBusinessProfile: the business's linked devices hear `business.changed` 'profile', customers
 * see the change in the public profile). Parley's category is shown as Meta's `vertical` through
 * one table; verticals without a Parley category are stored as `other`.
 */
import { BUSINESS_CATEGORIES, type BusinessCategory } from '#contracts/business.js';
import type { Actor, Ctx } from '../../../context.js';
import { AppError } from '../../../errors.js';
import { getBusinessProfile, updateBusinessProfile, type BusinessProfilePatch } from '../../business/index.js';
import { GraphError } from '../graph-error.js';
import { mediaOfApiId } from '../ids.js';
import { accessPhoneNumber, requireScope } from '../send.js';
import type { ApiPrincipal } from '../setup.js';
import type { Json } from '../message-types/index.js';
import { checkMessagingProduct, mergedParams, onlyParams, paramError, parseFields, stringParam } from './params.js';

/** Parley category → Cloud API vertical (reference §9.2). */
export const VERTICAL_OF_CATEGORY: Record<BusinessCategory, string> = {
  automotive: 'AUTO',
  beauty_spa_salon: 'BEAUTY',
  clothing_apparel: 'APPAREL',
  education: 'EDU',
  entertainment: 'ENTERTAIN',
  event_planning: 'EVENT_PLAN',
  finance_banking: 'FINANCE',
  food_grocery: 'GROCERY',
  public_service: 'GOVT',
  hotel_lodging: 'HOTEL',
  medical_health: 'HEALTH',
  non_profit: 'NONPROFIT',
  professional_services: 'PROF_SERVICES',
  shopping_retail: 'RETAIL',
  travel_transportation: 'TRAVEL',
  restaurant: 'RESTAURANT',
  other: 'OTHER',
};

/** Every vertical the Cloud API accepts; those without a Parley category map to `other`. */
export const VERTICALS = [
  'OTHER', 'AUTO', 'BEAUTY', 'APPAREL', 'EDU', 'ENTERTAIN', 'EVENT_PLAN', 'FINANCE', 'GROCERY', 'GOVT', 'HOTEL', 'HEALTH', 'NONPROFIT',
  'PROF_SERVICES', 'RETAIL', 'TRAVEL', 'RESTAURANT', 'ALCOHOL', 'ONLINE_GAMBLING', 'PHYSICAL_GAMBLING', 'OTC_DRUGS', 'UNDEFINED', 'NOT_A_BIZ',
] as const;

export function categoryOfVertical(vertical: string): BusinessCategory {
  const found = BUSINESS_CATEGORIES.find((c) => VERTICAL_OF_CATEGORY[c] === vertical);
  return found ?? 'other';
}

const PROFILE_FIELDS = ['about', 'address', 'description', 'email', 'profile_picture_url', 'websites', 'vertical'] as const;
const POST_KEYS = ['messaging_product', 'about', 'address', 'description', 'email', 'profile_picture_handle', 'websites', 'vertical'];

const actorOf = (accountId: string): Actor => ({ accountId, deviceId: 'api' });

/** `GET /{pnid}/whatsapp_business_profile[?fields=…]` → `{"data":[{messaging_product, …}]}`. */
export async function getApiBusinessProfile(ctx: Ctx, principal: ApiPrincipal, phoneNumberId: string, query: Json, baseUrl: string): Promise<{ data: Json[] }> {
  const num = await accessPhoneNumber(ctx, principal, phoneNumberId, 'GET');
  requireScope(principal, 'management');
  const fields = parseFields(query.fields);
  const p = await getBusinessProfile(ctx, actorOf(num.accountId));
  const all: Json = {
    about: p.about,
    address: p.address,
    description: p.description,
    email: p.email,
    // A public URL of the current photo (served by the API tier's public routes), absent without a photo.
    profile_picture_url: p.photoMediaId && (await profilePicture(ctx, phoneNumberId)) ? `${baseUrl}/v1/api-assets/profile-pictures/${phoneNumberId}?v=${p.updatedAt}` : undefined,
    websites: p.websites,
    vertical: VERTICAL_OF_CATEGORY[p.category as BusinessCategory] ?? 'OTHER',
  };
  const out: Json = { messaging_product: 'whatsapp' };
  for (const f of fields ?? PROFILE_FIELDS.map((name) => ({ name }))) {
    if (f.name === 'messaging_product') continue;
    if (!(f.name in all)) throw paramError(`Tried accessing nonexisting field (${f.name}) on node type (WhatsAppBusinessProfile)`);
    // Empty texts are absent, as in the Cloud API.
    const v = all[f.name];
    if (v !== undefined && v !== '') out[f.name] = v;
  }
  return { data: [out] };
}

/** Parley's profile refusals in Graph terms: a bad value is 100 with Parley's own explanation. */
function profileError(err: unknown): unknown {
  if (err instanceof AppError) {
    const field = (err.details as { field?: string } | undefined)?.field;
    if (field === 'photoMediaId') return paramError(`Param profile_picture_handle does not name an image of this business: ${err.message}`);
    return paramError(err.message);
  }
  return err;
}

/** `POST /{pnid}/whatsapp_business_profile`: only the fields sent change. */
export async function updateApiBusinessProfile(ctx: Ctx, principal: ApiPrincipal, phoneNumberId: string, query: unknown, body: unknown): Promise<{ success: true }> {
  const num = await accessPhoneNumber(ctx, principal, phoneNumberId, 'POST');
  requireScope(principal, 'management');
  const params = mergedParams(query, body);
  onlyParams(params, POST_KEYS);
  checkMessagingProduct(params, true);
  const patch: BusinessProfilePatch = {};
  for (const key of ['about', 'address', 'description', 'email'] as const) {
    const v = stringParam(params, key);
    if (v !== undefined) patch[key] = v;
  }
  if (params.about !== undefined && (params.about as string).trim() === '') throw paramError('Param about must be 1 to 139 characters.');
  if (params.websites !== undefined) {
    const w = params.websites;
    if (!Array.isArray(w) || w.some((s) => typeof s !== 'string')) throw paramError('Param websites must be an array of strings.');
    patch.websites = w as string[];
  }
  if (params.vertical !== undefined) {
    const v = stringParam(params, 'vertical')!;
    if (!(VERTICALS as readonly string[]).includes(v)) throw paramError(`Param vertical must be one of ${VERTICALS.join(', ')}.`);
    patch.category = categoryOfVertical(v);
  }
  if (params.profile_picture_handle !== undefined) {
    const handle = stringParam(params, 'profile_picture_handle')!;
    // A media id uploaded through POST /{pnid}/media names the picture (resumable-upload handles, once they exist, resolve to one).
    const mediaId = /^\d{6,20}$/.test(handle) ? await mediaOfApiId(ctx.db, principal.wabaId, handle) : null;
    if (!mediaId) throw paramError('Param profile_picture_handle does not name an uploaded image of this business.');
    patch.photoMediaId = mediaId;
  }
  if (Object.keys(patch).length === 0) throw new GraphError(100, 'Nothing to update: send at least one profile field.', { message: '(#100) Nothing to update: send at least one profile field.' });
  await updateBusinessProfile(ctx, actorOf(num.accountId), patch).catch((err: unknown) => {
    throw profileError(err);
  });
  return { success: true };
}

/**
 * Public: the current photo of an API number's business, for `profile_picture_url` (the Cloud API's
 * is a public URL too). Only when the business shows its photo to everyone; else null.
 */
export async function profilePicture(ctx: Ctx, phoneNumberId: string): Promise<{ sha256: string; mimeType: string; size: number } | null> {
  if (!/^\d{6,20}$/.test(phoneNumberId)) return null;
  const row = await ctx.db
    .selectFrom('api_numbers as n')
    .innerJoin('accounts as a', 'a.id', 'n.account_id')
    .innerJoin('business_profiles as b', 'b.account_id', 'n.account_id')
    .innerJoin('media as m', 'm.id', 'b.photo_media_id')
    .select(['a.privacy_photo', 'm.sha256', 'm.mime_type', 'm.size'])
    .where('n.id', '=', phoneNumberId)
    .executeTakeFirst();
  if (!row || row.privacy_photo !== 'everyone') return null;
  return { sha256: row.sha256, mimeType: row.mime_type, size: Number(row.size) };
}
