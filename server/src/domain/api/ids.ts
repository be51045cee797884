/**
 * @module domain/api/ids
 * The API's id spaces: Graph node ids (numeric strings of 15–16 random digits, ADR 0006 point 2)
 * and `wamid.` message ids (base64 of the peer's digits and the internal message id, point 3: no
 * mapping table, decodable, opaque to clients).
 */
import { randomInt } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { DB } from '../../tables.js';

export type GraphNodeKind = 'waba' | 'phone_number' | 'app' | 'media' | 'template' | 'catalog' | 'commerce_settings';

function randomDigits(): string {
  const length = 15 + randomInt(2);
  let s = String(1 + randomInt(9));
  while (s.length < length) s += String(randomInt(10));
  return s;
}

/** Mint a fresh node id (never reused) and record what it stands for. Call inside a write op. */
export async function newGraphNode(tx: Transaction<DB>, kind: GraphNodeKind, ref: string, wabaId: string | null, now: number): Promise<string> {
  for (;;) {
    const id = randomDigits();
    const taken = await tx.selectFrom('graph_nodes').select('id').where('id', '=', id).executeTakeFirst();
    if (taken) continue;
    await tx.insertInto('graph_nodes').values({ id, kind, ref, waba_id: wabaId ?? id, created_at: now }).execute();
    return id;
  }
}

/** The digits of an E.164 number (`+33612345678` → `33612345678`), the form of wa_id. */
export function waDigits(e164: string): string {
  return e164.replace(/\D/g, '');
}

/** `+33 6 12 34 56 78`: wa_id digits as Meta shows display_phone_number on the number node. */
export function displayNumber(digits: string): string {
  const parsed = parsePhoneNumberFromString('+' + digits);
  return parsed ? parsed.formatInternational() : '+' + digits;
}

/** `wamid.` id of a message with a peer (the customer's digits). */
export function toWamid(peerDigits: string, messageId: string): string {
  return 'wamid.' + Buffer.from(`${peerDigits}:${messageId}`, 'utf8').toString('base64');
}

/** The internal message id inside a `wamid.`, or null for anything that is not one of ours. */
export function fromWamid(wamid: string): { peerDigits: string; messageId: string } | null {
  if (!wamid.startsWith('wamid.')) return null;
  const raw = wamid.slice(6);
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(raw)) return null;
  const m = /^(\d{1,20}):(msg_[0-9a-z]{1,40})$/.exec(Buffer.from(raw, 'base64').toString('utf8'));
  return m ? { peerDigits: m[1]!, messageId: m[2]! } : null;
}

/**
 * The API media id of a Parley medium within a WABA (uploaded through the API, or received from a
 * customer): one graph node of kind 'media' per (WABA, medium), created on first use. Call inside
 * a write op.
 */
export async function apiMediaId(tx: Transaction<DB>, wabaId: string, mediaId: string, now: number): Promise<string> {
  const found = await tx.selectFrom('graph_nodes').select('id').where('kind', '=', 'media').where('ref', '=', mediaId).where('waba_id', '=', wabaId).executeTakeFirst();
  return found ? found.id : newGraphNode(tx, 'media', mediaId, wabaId, now);
}

/** The Parley medium behind an API media id of this WABA, or null. */
export async function mediaOfApiId(db: Kysely<DB>, wabaId: string, apiId: string): Promise<string | null> {
  const row = await db.selectFrom('graph_nodes').select('ref').where('id', '=', apiId).where('kind', '=', 'media').where('waba_id', '=', wabaId).executeTakeFirst();
  return row?.ref ?? null;
}

/**
 * The API catalog id of a business's catalog within a WABA (`catalog_id` of inbound orders, product
 * messages and referred products): one graph node of kind 'catalog' whose ref is the business
 * account id, created on first use. Call inside a write op.
 */
export async function apiCatalogId(tx: Transaction<DB>, wabaId: string, businessId: string, now: number): Promise<string> {
  const found = await tx.selectFrom('graph_nodes').select('id').where('kind', '=', 'catalog').where('ref', '=', businessId).where('waba_id', '=', wabaId).executeTakeFirst();
  return found ? found.id : newGraphNode(tx, 'catalog', businessId, wabaId, now);
}
