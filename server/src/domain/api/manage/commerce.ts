/**
 * @module domain/api/manage/commerce
 * `GET|POST /{pnid}/whatsapp_commerce_settings` (reference §9.3): `is_cart_enabled` and
 * `is_catalog_visible` of a number, kept in their own row (Parley's commerce area has no such
 * settings yet), with a graph id minted on first use. Both default to true.
 */
import type { Transaction } from 'kysely';
import type { Ctx } from '../../../context.js';
import type { ApiCommerceSettingsTable, DB } from '../../../tables.js';
import { notifyBusinessChanged } from '../../messaging/index.js';
import { newGraphNode } from '../ids.js';
import { accessPhoneNumber, requireScope } from '../send.js';
import type { ApiPrincipal } from '../setup.js';
import { boolParam, mergedParams, onlyParams, paramError } from './params.js';

export interface CommerceSettingsView {
  id: string;
  is_cart_enabled: boolean;
  is_catalog_visible: boolean;
}

const view = (r: ApiCommerceSettingsTable): CommerceSettingsView => ({ id: r.id, is_cart_enabled: r.is_cart_enabled === 1, is_catalog_visible: r.is_catalog_visible === 1 });

async function ensure(tx: Transaction<DB>, wabaId: string, phoneNumberId: string, now: number): Promise<ApiCommerceSettingsTable> {
  const row = await tx.selectFrom('api_commerce_settings').selectAll().where('phone_number_id', '=', phoneNumberId).executeTakeFirst();
  if (row) return row;
  const id = await newGraphNode(tx, 'commerce_settings', phoneNumberId, wabaId, now);
  const created: ApiCommerceSettingsTable = { phone_number_id: phoneNumberId, id, is_cart_enabled: 1, is_catalog_visible: 1, updated_at: now };
  await tx.insertInto('api_commerce_settings').values(created).execute();
  return created;
}

/** `GET /{pnid}/whatsapp_commerce_settings` → `{"data":[{id, is_cart_enabled, is_catalog_visible}]}`. */
export async function getCommerceSettings(ctx: Ctx, principal: ApiPrincipal, phoneNumberId: string): Promise<{ data: CommerceSettingsView[] }> {
  const num = await accessPhoneNumber(ctx, principal, phoneNumberId, 'GET');
  requireScope(principal, 'management');
  const existing = await ctx.db.selectFrom('api_commerce_settings').selectAll().where('phone_number_id', '=', phoneNumberId).executeTakeFirst();
  const row = existing ?? (await ctx.writes.run(async (tx) => ensure(tx, num.wabaId, phoneNumberId, ctx.clock.now())));
  return { data: [view(row)] };
}

/** `POST /{pnid}/whatsapp_commerce_settings?is_cart_enabled=…&is_catalog_visible=…` (query or JSON body). */
export async function updateCommerceSettings(ctx: Ctx, principal: ApiPrincipal, phoneNumberId: string, query: unknown, body: unknown): Promise<{ success: true }> {
  const num = await accessPhoneNumber(ctx, principal, phoneNumberId, 'POST');
  requireScope(principal, 'management');
  const params = mergedParams(query, body);
  onlyParams(params, ['is_cart_enabled', 'is_catalog_visible']);
  const cart = boolParam(params, 'is_cart_enabled');
  const catalog = boolParam(params, 'is_catalog_visible');
  if (cart === undefined && catalog === undefined) throw paramError('Send is_cart_enabled and/or is_catalog_visible.');
  await ctx.writes.run(async (tx, emit) => {
    const now = ctx.clock.now();
    await ensure(tx, num.wabaId, phoneNumberId, now);
    await tx
      .updateTable('api_commerce_settings')
      .set({ ...(cart !== undefined ? { is_cart_enabled: cart ? 1 : 0 } : {}), ...(catalog !== undefined ? { is_catalog_visible: catalog ? 1 : 0 } : {}), updated_at: now })
      .where('phone_number_id', '=', phoneNumberId)
      .execute();
    await notifyBusinessChanged(tx, emit, num.accountId, 'api', now);
  });
  return { success: true };
}
