/**
 * @module domain/api/manage/numbers
 * The WABA node, its phone numbers and their registration (reference §9.1): `GET /{waba_id}`,
 * `GET /{waba_id}/phone_numbers`, `GET /{pnid}` with `fields=`, `POST /{pnid}` (two-step PIN),
 * `POST /{pnid}/register` and `/deregister`. A deregistered number refuses sends (133010) and gets no
 * webhooks (domain/api/webhooks apiNumberOf only sees registered numbers). The PIN is stored as an
 * scrypt hash like administrators' passwords; wrong PINs are counted and, after
 * PIN_MAX_FAILURES in a row, the number is locked for PIN_LOCK_MS (133008).
 */
import { createHash } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Ctx } from '../../../context.js';
import type { ApiNumberStateTable, DB } from '../../../tables.js';
import { hashPassword, verifyPassword } from '../../admin/index.js';
import { notifyBusinessChanged } from '../../messaging/index.js';
import { forgetNumber } from '../caches.js';
import { GraphError } from '../graph-error.js';
import { displayNumber } from '../ids.js';
import { numberQuality } from '../quality.js';
import { accessPhoneNumber, requireScope } from '../send.js';
import type { ApiPrincipal } from '../setup.js';
import type { Json } from '../message-types/index.js';
import { checkMessagingProduct, mergedParams, onlyParams, page, paramError, parseFields, selectFields, stringParam, type Paged } from './params.js';

export const PIN_MAX_FAILURES = 5;
export const PIN_LOCK_MS = 60 * 60_000;

const PHONE_DEFAULT_FIELDS = ['display_phone_number', 'verified_name', 'quality_rating'] as const;
const WABA_DEFAULT_FIELDS = ['name', 'timezone_id', 'message_template_namespace'] as const;

/** Graph's time format (`2023-08-22T19:23:32+0000`). */
export function graphTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, '+0000');
}


async function stateOf(db: Kysely<DB> | Transaction<DB>, phoneNumberId: string): Promise<ApiNumberStateTable | undefined> {
  return db.selectFrom('api_number_state').selectAll().where('phone_number_id', '=', phoneNumberId).executeTakeFirst();
}

/** Every field of a phone number node we know how to answer (its quality evaluated now). */
async function phoneNumberObject(ctx: Ctx, phoneNumberId: string): Promise<Json> {
  const db = ctx.db;
  const row = await db
    .selectFrom('api_numbers as n')
    .innerJoin('business_profiles as b', 'b.account_id', 'n.account_id')
    .select(['n.id', 'n.waba_id', 'n.account_id', 'n.display_phone_number', 'n.registered', 'n.created_at', 'b.name', 'b.verified_at'])
    .where('n.id', '=', phoneNumberId)
    .executeTakeFirstOrThrow();
  const state = await stateOf(db, phoneNumberId);
  const hook = await db
    .selectFrom('api_apps as a')
    .innerJoin('webhook_subscriptions as s', 's.app_id', 'a.id')
    .select('s.callback_url')
    .where('a.waba_id', '=', row.waba_id)
    .orderBy('a.created_at')
    .executeTakeFirst();
  const registered = row.registered === 1;
  const verified = row.verified_at !== null;
  const quality = await numberQuality(ctx, row.account_id);
  return {
    id: row.id,
    display_phone_number: displayNumber(row.display_phone_number),
    verified_name: row.name,
    // From blocks and reports relative to business-initiated volume (domain/api/quality.ts).
    quality_rating: quality?.state.rating ?? 'UNKNOWN',
    // Parley numbers are verified by an SMS code when the account is created.
    code_verification_status: 'VERIFIED',
    name_status: verified ? 'APPROVED' : 'AVAILABLE_WITHOUT_REVIEW',
    // FLAGGED while the rating is RED, RESTRICTED while the messaging limit is used up.
    status: registered ? (quality?.status ?? 'CONNECTED') : 'DISCONNECTED',
    platform_type: registered ? 'CLOUD_API' : 'NOT_APPLICABLE',
    // Meta's STANDARD is 80 messages per second, HIGH 1,000.
    throughput: { level: ctx.config.PARLEY_API_THROUGHPUT_PER_SECOND >= 1000 ? 'HIGH' : 'STANDARD' },
    messaging_limit_tier: quality?.state.tier ?? 'TIER_NOT_SET',
    whatsapp_business_manager_messaging_limit: quality?.state.tier ?? 'TIER_NOT_SET',
    is_official_business_account: verified,
    is_pin_enabled: !!state?.pin_hash,
    account_mode: 'LIVE',
    last_onboarded_time: graphTime(Number(state?.registered_at ?? row.created_at)),
    webhook_configuration: hook ? { application: hook.callback_url } : undefined,
    health_status: {
      can_send_message: registered ? 'AVAILABLE' : 'BLOCKED',
      entities: [
        {
          entity_type: 'PHONE_NUMBER',
          id: row.id,
          can_send_message: registered ? 'AVAILABLE' : 'BLOCKED',
          ...(registered ? {} : { errors: [{ error_code: 133010, error_description: 'The phone number is not registered.', possible_solution: 'Register the number with POST /{phone_number_id}/register.' }] }),
        },
      ],
    },
  };
}

/** `GET /{pnid}[?fields=…]` (management). */
export async function getPhoneNumber(ctx: Ctx, principal: ApiPrincipal, phoneNumberId: string, query: Json): Promise<Json> {
  await accessPhoneNumber(ctx, principal, phoneNumberId, 'GET');
  requireScope(principal, 'management');
  const fields = parseFields(query.fields);
  return selectFields(await phoneNumberObject(ctx, phoneNumberId), fields, PHONE_DEFAULT_FIELDS, 'WhatsAppBusinessPhoneNumber');
}

/** `GET /{waba_id}/phone_numbers` (management): the paging envelope. */
export async function listPhoneNumbers(ctx: Ctx, principal: ApiPrincipal, wabaId: string, query: Json, url: URL): Promise<Paged<Json>> {
  accessWaba(principal, wabaId, 'GET');
  requireScope(principal, 'management');
  const fields = parseFields(query.fields);
  const rows = await ctx.db.selectFrom('api_numbers').select('id').where('waba_id', '=', wabaId).orderBy('created_at').orderBy('id').execute();
  const items: Json[] = [];
  for (const r of rows) items.push(selectFields(await phoneNumberObject(ctx, r.id), fields, PHONE_DEFAULT_FIELDS, 'WhatsAppBusinessPhoneNumber'));
  return page(items, query, url);
}

/** The token's own WABA, else an unknown node (another WABA looks exactly like a missing one). */
export function accessWaba(principal: ApiPrincipal, wabaId: string, method: string): void {
  if (wabaId !== principal.wabaId) throw new GraphError(100, `Object with ID '${wabaId}' does not exist.`, { subcode: 33, type: 'GraphMethodException', message: `Unsupported ${method.toLowerCase()} request. Object with ID '${wabaId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation. Please read the Graph API documentation at https://developers.facebook.com/docs/graph-api` });
}

/** `GET /{waba_id}[?fields=…]` (management). */
export async function getWaba(ctx: Ctx, principal: ApiPrincipal, wabaId: string, query: Json): Promise<Json> {
  accessWaba(principal, wabaId, 'GET');
  requireScope(principal, 'management');
  const fields = parseFields(query.fields);
  const waba = await ctx.db
    .selectFrom('wabas as w')
    .innerJoin('business_profiles as b', 'b.account_id', 'w.account_id')
    .innerJoin('accounts as a', 'a.id', 'w.account_id')
    .select(['w.id', 'b.name', 'b.verified_at', 'b.timezone', 'a.phone'])
    .where('w.id', '=', wabaId)
    .executeTakeFirstOrThrow();
  const numbers = await ctx.db.selectFrom('api_numbers').select(['id', 'registered']).where('waba_id', '=', wabaId).execute();
  const hex = createHash('sha256').update(`namespace:${waba.id}`).digest('hex');
  const country = parsePhoneNumberFromString(waba.phone)?.country ?? null;
  const all: Json = {
    id: waba.id,
    name: waba.name,
    // Meta's numeric time zone ids have no public table; 0 is Meta's "unknown". The IANA zone is Parley's own field.
    timezone_id: '0',
    timezone: waba.timezone,
    message_template_namespace: `${hex.slice(0, 8)}_${hex.slice(8, 12)}_${hex.slice(12, 16)}_${hex.slice(16, 20)}_${hex.slice(20, 32)}`,
    account_review_status: 'APPROVED',
    business_verification_status: waba.verified_at !== null ? 'verified' : 'not_verified',
    country: country ?? undefined,
    currency: 'USD',
    ownership_type: 'SELF',
    status: 'ACTIVE',
    health_status: {
      can_send_message: numbers.some((n) => n.registered === 1) ? 'AVAILABLE' : 'BLOCKED',
      entities: [
        { entity_type: 'WABA', id: waba.id, can_send_message: 'AVAILABLE' },
        ...numbers.map((n) => ({ entity_type: 'PHONE_NUMBER', id: n.id, can_send_message: n.registered === 1 ? 'AVAILABLE' : 'BLOCKED' })),
      ],
    },
  };
  return selectFields(all, fields, WABA_DEFAULT_FIELDS, 'WhatsAppBusinessAccount');
}

// ---- two-step PIN and registration ------------------------------------------------------------

function checkPin(params: Json): string {
  const pin = stringParam(params, 'pin', { required: true });
  if (!/^\d{6}$/.test(pin)) throw paramError('Param pin must be 6 digits.');
  return pin;
}

async function upsertState(tx: Transaction<DB>, phoneNumberId: string, set: Partial<ApiNumberStateTable>, now: number): Promise<void> {
  const existing = await stateOf(tx, phoneNumberId);
  if (existing) await tx.updateTable('api_number_state').set({ ...set, updated_at: now }).where('phone_number_id', '=', phoneNumberId).execute();
  else await tx.insertInto('api_number_state').values({ phone_number_id: phoneNumberId, pin_hash: null, pin_failures: 0, pin_locked_until: null, registered_at: null, ...set, updated_at: now }).execute();
}

/** `POST /{pnid}` `{"pin":"123456"}`: set or change the two-step PIN (management). */
export async function updatePhoneNumber(ctx: Ctx, principal: ApiPrincipal, phoneNumberId: string, query: unknown, body: unknown): Promise<{ success: true }> {
  const num = await accessPhoneNumber(ctx, principal, phoneNumberId, 'POST');
  requireScope(principal, 'management');
  const params = mergedParams(query, body);
  onlyParams(params, ['pin', 'messaging_product']);
  checkMessagingProduct(params, false);
  const pin = checkPin(params);
  const hash = await hashPassword(pin);
  await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    // Whoever may set the PIN with a management token also clears a lock-out.
    await upsertState(tx, phoneNumberId, { pin_hash: hash, pin_failures: 0, pin_locked_until: null }, now);
    await notifyBusinessChanged(tx, emit, num.accountId, 'api', now);
  });
  return { success: true };
}

/** A lock in force: 133008 with how long is left. */
function lockedError(until: number, now: number): GraphError {
  const minutes = Math.max(1, Math.ceil((until - now) / 60_000));
  return new GraphError(133008, `Too many wrong two-step PINs. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`);
}

/**
 * `POST /{pnid}/register` `{"messaging_product":"whatsapp","pin":"123456"}` (management). With a
 * PIN set, the PIN must match (133005; counted, locking at PIN_MAX_FAILURES → 133008); without one,
 * the given PIN becomes the number's two-step PIN (as the Cloud API does).
 */
export async function registerNumber(ctx: Ctx, principal: ApiPrincipal, phoneNumberId: string, query: unknown, body: unknown): Promise<{ success: true }> {
  const num = await accessPhoneNumber(ctx, principal, phoneNumberId, 'POST');
  requireScope(principal, 'management');
  const params = mergedParams(query, body);
  onlyParams(params, ['messaging_product', 'pin', 'data_localization_region', 'backup']);
  checkMessagingProduct(params, true);
  const pin = checkPin(params);
  if (params.data_localization_region !== undefined && (typeof params.data_localization_region !== 'string' || !/^[A-Z]{2}$/.test(params.data_localization_region))) {
    throw paramError('Param data_localization_region must be a two-letter country code.');
  }
  const before = await stateOf(ctx.db, phoneNumberId);
  const now0 = ctx.clock.now();
  if (before?.pin_locked_until != null && Number(before.pin_locked_until) > now0) throw lockedError(Number(before.pin_locked_until), now0);
  // scrypt is slow on purpose: never inside the write queue.
  const matches = before?.pin_hash ? await verifyPassword(pin, before.pin_hash) : true;
  const newHash = before?.pin_hash ? null : await hashPassword(pin);
  const outcome = await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    const state = await stateOf(tx, phoneNumberId);
    if (!matches) {
      const failures = (state?.pin_failures ?? 0) + 1;
      const locked = failures >= PIN_MAX_FAILURES ? now + PIN_LOCK_MS : null;
      await upsertState(tx, phoneNumberId, { pin_failures: locked ? 0 : failures, pin_locked_until: locked }, now);
      return { ok: false as const, failures, locked };
    }
    // The PIN changed between the check and now: treat as a mismatch, without counting it.
    if ((state?.pin_hash ?? null) !== (before?.pin_hash ?? null)) return { ok: false as const, failures: 0, locked: null };
    await upsertState(tx, phoneNumberId, { pin_failures: 0, pin_locked_until: null, registered_at: now, ...(newHash ? { pin_hash: newHash } : {}) }, now);
    await tx.updateTable('api_numbers').set({ registered: 1 }).where('id', '=', phoneNumberId).execute();
    await notifyBusinessChanged(tx, emit, num.accountId, 'api', now);
    return { ok: true as const };
  });
  forgetNumber(ctx, phoneNumberId);
  if (!outcome.ok) {
    if (outcome.locked) throw lockedError(outcome.locked, ctx.clock.now());
    const left = PIN_MAX_FAILURES - outcome.failures;
    throw new GraphError(133005, `The two-step verification PIN does not match the number's PIN${outcome.failures > 0 ? ` (${left} attempt${left === 1 ? '' : 's'} left before a one-hour lock)` : ''}.`);
  }
  return { success: true };
}

/** `POST /{pnid}/deregister` (management): sends are refused (133010) and webhooks stop until it is registered again. */
export async function deregisterNumber(ctx: Ctx, principal: ApiPrincipal, phoneNumberId: string, query: unknown, body: unknown): Promise<{ success: true }> {
  const num = await accessPhoneNumber(ctx, principal, phoneNumberId, 'POST');
  requireScope(principal, 'management');
  const params = mergedParams(query, body);
  onlyParams(params, ['messaging_product']);
  checkMessagingProduct(params, false);
  await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    await tx.updateTable('api_numbers').set({ registered: 0 }).where('id', '=', phoneNumberId).execute();
    await notifyBusinessChanged(tx, emit, num.accountId, 'api', now);
  });
  // Sends are refused from now on by this process (other nodes: within CACHE_TTL_MS).
  forgetNumber(ctx, phoneNumberId);
  return { success: true };
}

/**
 * The check the send edge makes before anything else about the body: a number of the token's WABA
 * that is deregistered refuses with 133010. Unknown numbers and missing scopes are left to the
 * send path's own checks (100/33, 10), so its answers stay the same.
 */
export async function requireRegisteredForSend(ctx: Ctx, principal: ApiPrincipal, phoneNumberId: string): Promise<void> {
  if (!principal.scopes.includes('messaging')) return;
  const row = await ctx.db.selectFrom('api_numbers').select(['waba_id', 'registered']).where('id', '=', phoneNumberId).executeTakeFirst();
  if (row && row.waba_id === principal.wabaId && row.registered !== 1) {
    throw new GraphError(133010, 'This phone number is deregistered: register it with POST /{phone_number_id}/register before sending.');
  }
}
