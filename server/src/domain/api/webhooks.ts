/**
 * @module domain/api/webhooks
 * The webhook outbox (ADR 0006 point 5): payloads in the Cloud API envelope (reference §6.3–6.7),
 * serialized once ASCII-only, stored per subscribed app in webhook_events, and signed over exactly
 * those bytes when delivered (workers/webhooks.ts). One change with one item per event. Also the
 * in-transaction hooks that raise inbound-message and status webhooks, and the payload builders of
 * the other fields (errors, template status, phone number quality, account updates).
 */
import type { Kysely, Transaction } from 'kysely';
import { WEBHOOKS_TOPIC, type Ctx, type Envelope } from '../../context.js';
import type { DB } from '../../tables.js';
import { newId, randomHex } from '../../platform/ids.js';
import { prepared } from '../../platform/db/prepared.js';
import { deferInsert, nativeTx, watchedCache } from '../../platform/db/native.js';
import { newMessageId } from '../messaging/index.js';
import type { Emit } from '../../platform/db/write-queue.js';
import type { MessageChangedEvent, MessageSentEvent, ReceiptsMovedEvent } from '../../platform/hooks/hooks.js';
import { graphTitle, type GraphErrorCode } from './graph-error.js';
import { toWamid, waDigits } from './ids.js';
import { inboundEdit, inboundMessage, inboundReaction, inboundRevoke, resolveInboundRefs } from './inbound.js';
import { accountKindOf } from '../accounts/index.js';

/** JSON with every non-ASCII UTF-16 unit written as `\uXXXX` (lowercase hex; emoji as surrogate pairs). */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** The two signature headers over the exact bytes sent (plain JavaScript, shared with the webhook thread). */
export { signatureHeaders } from './signature.mjs';

const ENVELOPE_HEAD = '{"object":"whatsapp_business_account","entry":[';
const ENVELOPE_TAIL = ']}';

/**
 * One POST body carrying several stored events: their `entry[]` items, in order, under one
 * envelope (each event's bytes unchanged inside it). Null when a payload is not a stored envelope.
 */
export function batchBody(payloads: readonly string[]): string | null {
  if (payloads.length === 1) return payloads[0]!;
  let body = ENVELOPE_HEAD;
  for (const [i, p] of payloads.entries()) {
    if (!p.startsWith(ENVELOPE_HEAD) || !p.endsWith(ENVELOPE_TAIL)) return null;
    if (i > 0) body += ',';
    body += p.slice(ENVELOPE_HEAD.length, p.length - ENVELOPE_TAIL.length);
  }
  return body + ENVELOPE_TAIL;
}

/** Where a webhook about one API number goes. */
export interface ApiNumberRef {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

/** The registered API number of an account, with when it got API access (statuses cover later messages only). */
export async function apiNumberOf(db: Kysely<DB>, accountId: string): Promise<(ApiNumberRef & { since: number }) | null> {
  const row = await db.selectFrom('api_numbers').select(['id', 'waba_id', 'display_phone_number', 'created_at']).where('account_id', '=', accountId).where('registered', '=', 1).executeTakeFirst();
  return row ? { wabaId: row.waba_id, phoneNumberId: row.id, displayPhoneNumber: row.display_phone_number, since: Number(row.created_at) } : null;
}

function messagesEnvelope(num: ApiNumberRef, value: Record<string, unknown>, field = 'messages'): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: num.wabaId,
        changes: [{ field, value: { messaging_product: 'whatsapp', metadata: { display_phone_number: num.displayPhoneNumber, phone_number_id: num.phoneNumberId }, ...value } }],
      },
    ],
  };
}

const seconds = (ms: number) => String(Math.floor(ms / 1000));

const DAY_MS = 24 * 3600_000;
const ERROR_HREF = 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/';

export interface StatusInput {
  wamid: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  at: number;
  recipientWaId: string;
  /** The chat of the message: gives the status its conversation and pricing blocks. */
  chatId?: string;
  /** When the message was sent (defaults to `at`): picks its conversation window. */
  messageAt?: number;
  bizOpaqueCallbackData?: string | undefined;
  error?: { code: GraphErrorCode; details: string };
  /** The message's pricing category (a template's category; free-form messages are `service`, the default). */
  category?: PricingCategory | undefined;
  /** The message is the chat's first (seq 1): the chat has no conversation yet, none is looked up. */
  firstInChat?: boolean | undefined;
  /** Free although its category is charged (a utility template sent inside an open service window). */
  freeInWindow?: boolean | undefined;
}

/** Pricing categories of statuses (`pricing.category`, `conversation.origin.type`), lower case as on the wire. */
export type PricingCategory = 'marketing' | 'utility' | 'authentication' | 'service';

/** The pricing category of a stored message: a template's own category, `service` for anything else. */
export function messageCategory(kind: string, content: string): PricingCategory {
  if (kind !== 'template') return 'service';
  try {
    const c = (JSON.parse(content) as { category?: unknown }).category;
    return c === 'marketing' || c === 'utility' || c === 'authentication' ? c : 'service';
  } catch {
    return 'service';
  }
}

/** Set on a status payload whose conversation block is filled in by enqueueWebhook (it needs the transaction). */
const PENDING_CONVERSATION = Symbol('pendingConversation');
interface PendingConversation {
  chatId: string;
  messageAt: number;
  /** The origin of the conversation if this status opens one. */
  category: PricingCategory;
  block: Record<string, unknown>;
  /** The chat has no conversation yet (its first message). */
  none: boolean;
}

/**
 * A `statuses[]` webhook (reference §6.5). With a chatId, the `conversation` block (the chat's
 * conversation of the message's 24-hour window, `expiration_timestamp` on the status that opened
 * it) is resolved when the payload is enqueued, inside the write op.
 */
export function statusPayload(num: ApiNumberRef, s: StatusInput): Record<string, unknown> {
  const status: Record<string, unknown> = { id: s.wamid, status: s.status, timestamp: seconds(s.at), recipient_id: s.recipientWaId };
  if (s.bizOpaqueCallbackData !== undefined) status.biz_opaque_callback_data = s.bizOpaqueCallbackData;
  let pending: PendingConversation | null = null;
  if (s.error) {
    const title = graphTitle(s.error.code);
    status.errors = [{ code: s.error.code, title, message: title, error_data: { details: s.error.details }, href: ERROR_HREF }];
  } else if (s.chatId) {
    // Per-message pricing: a template is charged by its category; free-form (service) messages are
    // free. The conversation's origin is the category of the message that opened it.
    const category = s.category ?? 'service';
    const block: Record<string, unknown> = { id: '', origin: { type: category } };
    status.conversation = block;
    // A utility template inside an open customer-service window is free as well (reference §8.2).
    const free = category === 'service' || (category === 'utility' && s.freeInWindow === true);
    status.pricing = free ? { billable: false, pricing_model: 'PMP', category, type: 'free_customer_service' } : { billable: true, pricing_model: 'PMP', category, type: 'regular' };
    pending = { chatId: s.chatId, messageAt: s.messageAt ?? s.at, category, block, none: s.firstInChat === true };
  }
  const payload = messagesEnvelope(num, { statuses: [status] });
  if (pending) Object.defineProperty(payload, PENDING_CONVERSATION, { value: pending, enumerable: false });
  return payload;
}

/**
 * The chat's conversation covering `at`, opened (for 24 hours from `at`) when there is none.
 * `opened` tells whether this call opened it (its first status carries the expiration).
 */
export interface Conversation {
  id: string;
  origin: string;
  openedAt: number;
  expiresAt: number;
}

/**
 * The chat's conversation covering `at`, opened (for 24 hours from `at`) when there is none.
 * `opened` tells whether this call opened it (its first status carries the expiration). `seen`
 * (conversations already found in this write) saves the lookup when one of them covers `at`.
 */
const conversationRow = prepared((db: Kysely<DB>, p) =>
  db
    .selectFrom('api_conversations')
    .select(['id', 'origin', 'opened_at', 'expires_at'])
    .where('chat_id', '=', p('chatId'))
    .where('opened_at', '<=', p('at'))
    .where('expires_at', '>', p('at'))
    .orderBy('opened_at', 'desc')
    .limit(1),
);
const insertEvent = prepared((db: Kysely<DB>, p) =>
  db.insertInto('webhook_events').values({
    id: p('id'),
    app_id: p('appId'),
    field: p('field'),
    payload: p('payload'),
    attempts: 0,
    next_attempt_at: p('due'),
    status: 'pending',
    last_status_code: null,
    last_error: null,
    created_at: p('now'),
    delivered_at: null,
  }),
);

const insertConversation = prepared((db: Kysely<DB>, p) =>
  db.insertInto('api_conversations').values({ id: p('id'), chat_id: p('chatId'), origin: p('origin'), opened_at: p('openedAt'), expires_at: p('expiresAt') }),
);

/**
 * A new conversation id: 32 lower-case hex digits like Meta's, time-ordered (12 digits of
 * milliseconds, then 20 random ones), so the primary-key index grows at its end instead of taking
 * a random page for each conversation a campaign opens.
 */
export function conversationId(now: number): string {
  return Math.max(0, Math.floor(now)).toString(16).padStart(12, '0').slice(-12) + randomHex(10);
}

export async function conversationAt(
  tx: Transaction<DB>,
  chatId: string,
  at: number,
  seen: Conversation[] = [],
  origin: PricingCategory = 'service',
  none = false,
): Promise<Conversation & { opened: boolean }> {
  const known = seen.find((c) => c.openedAt <= at && at < c.expiresAt);
  if (known) return { ...known, opened: false };
  const [row] = none ? [] : await conversationRow(tx, { chatId, at });
  const conv = row
    ? { id: row.id, origin: row.origin, openedAt: Number(row.opened_at), expiresAt: Number(row.expires_at), opened: false }
    : { id: conversationId(at), origin, openedAt: at, expiresAt: at + DAY_MS, opened: true };
  if (conv.opened) await insertConversation(tx, { id: conv.id, chatId, origin: conv.origin, openedAt: conv.openedAt, expiresAt: conv.expiresAt });
  seen.push({ id: conv.id, origin: conv.origin, openedAt: conv.openedAt, expiresAt: conv.expiresAt });
  return conv;
}

async function resolveConversation(tx: Transaction<DB>, payload: Record<string, unknown>, seen?: Conversation[]): Promise<void> {
  const pending = (payload as { [PENDING_CONVERSATION]?: PendingConversation })[PENDING_CONVERSATION];
  if (!pending) return;
  const conv = await conversationAt(tx, pending.chatId, pending.messageAt, seen, pending.category, pending.none);
  // Rebuilt in the reference's key order: id, expiration_timestamp, origin.
  for (const k of Object.keys(pending.block)) delete pending.block[k];
  pending.block.id = conv.id;
  if (conv.opened) pending.block.expiration_timestamp = seconds(conv.expiresAt);
  pending.block.origin = { type: conv.origin };
}

export { inboundMessage } from './inbound.js';

export function inboundPayload(num: ApiNumberRef, customer: { name: string; waId: string }, msg: Record<string, unknown>): Record<string, unknown> {
  return messagesEnvelope(num, { contacts: [{ profile: { name: customer.name }, wa_id: customer.waId }], messages: [msg] });
}

/**
 * A `user_preferences` webhook (reference §6.7, §8.3): the customer stopped or resumed marketing
 * messages. Messages-style value (metadata, contacts) under the field `user_preferences`.
 */
export function userPreferencesPayload(num: ApiNumberRef, customer: { name: string; waId: string }, value: 'stop' | 'resume', detail: string, at: number): Record<string, unknown> {
  return messagesEnvelope(
    num,
    {
      contacts: [{ profile: { name: customer.name }, wa_id: customer.waId }],
      user_preferences: [{ wa_id: customer.waId, detail, category: 'marketing_messages', value, timestamp: Math.floor(at / 1000) }],
    },
    'user_preferences',
  );
}

// ---- other webhook payloads (reference §6.6, §6.7), for the areas that raise them ----------------

/** One error object of webhooks (`message` equals `title`; no `type`, no `fbtrace_id`). */
export interface WebhookError {
  code: number;
  title: string;
  details: string;
}

/** A system/app-level `errors[]` webhook about a number (reference §6.6), field `messages`. */
export function errorsPayload(num: ApiNumberRef, errors: WebhookError[]): Record<string, unknown> {
  return messagesEnvelope(num, { errors: errors.map((e) => ({ code: e.code, title: e.title, message: e.title, error_data: { details: e.details }, href: ERROR_HREF })) });
}

/** The envelope of management fields: `entry[].time` present, no messaging_product/metadata (reference §6.7). */
export function managementEnvelope(wabaId: string, field: string, value: Record<string, unknown>, at: number): Record<string, unknown> {
  return { object: 'whatsapp_business_account', entry: [{ id: wabaId, time: Math.floor(at / 1000), changes: [{ field, value }] }] };
}

export const TEMPLATE_EVENTS = ['APPROVED', 'PENDING', 'REJECTED', 'PAUSED', 'DISABLED', 'FLAGGED', 'REINSTATED', 'IN_APPEAL', 'LIMIT_EXCEEDED', 'LOCKED', 'PENDING_DELETION', 'DELETED', 'ARCHIVED', 'UNARCHIVED'] as const;
export const TEMPLATE_REASONS = ['NONE', 'ABUSIVE_CONTENT', 'INCORRECT_CATEGORY', 'INVALID_FORMAT', 'PROMOTIONAL', 'SCAM', 'TAG_CONTENT_MISMATCH', 'CATEGORY_NOT_AVAILABLE'] as const;

export interface TemplateStatusInput {
  event: (typeof TEMPLATE_EVENTS)[number];
  /** The template's graph id (a numeric string; sent as a number, as Meta does). */
  templateId: string;
  name: string;
  language: string;
  /** Defaults to NONE. */
  reason?: (typeof TEMPLATE_REASONS)[number] | undefined;
  /** MARKETING | UTILITY | AUTHENTICATION (upper case on the wire). */
  category?: string | undefined;
  rejectionInfo?: { reason: string; recommendation: string } | undefined;
  otherInfo?: { title: string; description: string } | undefined;
}

/** `message_template_status_update` (reference §6.7). Enqueue with field 'message_template_status_update'. */
export function templateStatusPayload(wabaId: string, t: TemplateStatusInput, at: number): Record<string, unknown> {
  const value: Record<string, unknown> = {
    event: t.event,
    message_template_id: Number(t.templateId),
    message_template_name: t.name,
    message_template_language: t.language,
    reason: t.reason ?? 'NONE',
  };
  if (t.category) value.message_template_category = t.category.toUpperCase();
  if (t.rejectionInfo) value.rejection_info = t.rejectionInfo;
  if (t.otherInfo) value.other_info = t.otherInfo;
  return managementEnvelope(wabaId, 'message_template_status_update', value, at);
}

export const MESSAGING_LIMIT_TIERS = ['TIER_50', 'TIER_250', 'TIER_2K', 'TIER_10K', 'TIER_100K', 'TIER_UNLIMITED', 'TIER_NOT_SET'] as const;

export interface PhoneQualityInput {
  displayPhoneNumber: string;
  event: 'FLAGGED' | 'UNFLAGGED' | 'UPGRADE' | 'DOWNGRADE' | 'ONBOARDING' | 'THROUGHPUT_UPGRADE';
  currentLimit: (typeof MESSAGING_LIMIT_TIERS)[number];
  oldLimit?: (typeof MESSAGING_LIMIT_TIERS)[number] | undefined;
  /** Unique customers per rolling 24 hours now allowed (a number, or 'UNLIMITED'). */
  maxDailyConversations?: number | 'UNLIMITED' | undefined;
}

/** `phone_number_quality_update` (reference §6.7). Enqueue with field 'phone_number_quality_update'. */
export function phoneQualityPayload(wabaId: string, q: PhoneQualityInput, at: number): Record<string, unknown> {
  const value: Record<string, unknown> = { display_phone_number: q.displayPhoneNumber, event: q.event, current_limit: q.currentLimit };
  if (q.oldLimit) value.old_limit = q.oldLimit;
  if (q.maxDailyConversations !== undefined) value.max_daily_conversations_per_business = String(q.maxDailyConversations);
  return managementEnvelope(wabaId, 'phone_number_quality_update', value, at);
}

export type AccountUpdateInput =
  | { event: 'ACCOUNT_RESTRICTION'; restrictions: { type: string; expiresAt: number }[] }
  | { event: 'ACCOUNT_VIOLATION'; violationType: string }
  | { event: 'DISABLED_UPDATE'; banState: 'SCHEDULE_FOR_DISABLE' | 'DISABLE' | 'REINSTATE'; banDate: string }
  | { event: 'ACCOUNT_DELETED' | 'ACCOUNT_OFFBOARDED' | 'ACCOUNT_RECONNECTED' | 'VERIFIED_ACCOUNT' | 'PARTNER_ADDED' | 'PARTNER_REMOVED' };

/** `account_update` (reference §6.7). Enqueue with field 'account_update'. */
export function accountUpdatePayload(wabaId: string, u: AccountUpdateInput, at: number): Record<string, unknown> {
  const value: Record<string, unknown> = { event: u.event };
  if (u.event === 'ACCOUNT_RESTRICTION') value.restriction_info = u.restrictions.map((r) => ({ restriction_type: r.type, expiration: Math.floor(r.expiresAt / 1000) }));
  else if (u.event === 'ACCOUNT_VIOLATION') value.violation_info = { violation_type: u.violationType };
  else if (u.event === 'DISABLED_UPDATE') value.ban_info = { waba_ban_state: [u.banState], waba_ban_date: u.banDate };
  return managementEnvelope(wabaId, 'account_update', value, at);
}

/** The apps of a WABA with a webhook subscription. */
const subscribedAppRows = prepared((db: Kysely<DB>, p) => db.selectFrom('api_apps as a').innerJoin('webhook_subscriptions as s', 's.app_id', 'a.id').select('a.id').where('a.waba_id', '=', p('wabaId')));

/**
 * The ids of the apps of a WABA with a webhook subscription. On the SQLite fast path they are kept
 * in memory (read once per status otherwise): the list is kept in two caches, one emptied by any
 * write to webhook_subscriptions and one by any write to api_apps, and trusted only when both
 * still hold it (an app deleted with its subscription, or a subscription changed, empties one).
 */
async function subscribedApps(tx: Transaction<DB>, wabaId: string): Promise<string[]> {
  const native = nativeTx(tx);
  const bySubscription = native && watchedCache<string[]>(native, 'api.subscribed.subscriptions', 'webhook_subscriptions', undefined, 10_000);
  const byApp = native && watchedCache<string[]>(native, 'api.subscribed.apps', 'api_apps', undefined, 10_000);
  const hit = bySubscription?.get(wabaId);
  if (hit && byApp?.get(wabaId) === hit) return hit;
  const ids = (await subscribedAppRows(tx, { wabaId })).map((a) => a.id);
  bySubscription?.set(wabaId, ids);
  byApp?.set(wabaId, ids);
  return ids;
}

const EVENT_COLUMNS = ['id', 'app_id', 'field', 'payload', 'attempts', 'next_attempt_at', 'status', 'last_status_code', 'last_error', 'created_at', 'delivered_at'] as const;

/**
 * A new id of the outbox (`whe` events, `wha` attempts): the prefix and 21 base32 characters,
 * time-ordered like message ids (48 bits of milliseconds, then 55 random bits), so the primary-key
 * index grows at its end instead of taking a random page per row.
 */
export function outboxId(prefix: 'whe' | 'wha', now: number): string {
  return prefix + newMessageId(now).slice(3);
}

/** An event written by this process and handed to its dispatcher once committed (see {@link FreshEvents}). */
export interface FreshEvent {
  id: string;
  app_id: string;
  payload: string;
  attempts: number;
  created_at: number;
}

/**
 * Events a write hands to this process's dispatcher after it commits, so they go out without the
 * dispatcher reading and claiming them: they are stored already leased (next_attempt_at `leaseUntil`),
 * so no other dispatcher takes them meanwhile, and if this process never delivers them (it stops,
 * or its queue is too long) they are due again when the lease ends.
 */
export interface FreshEvents {
  leaseUntil: number;
  events: FreshEvent[];
}

async function insertEvents(tx: Transaction<DB>, apps: string[], field: string, payload: Record<string, unknown>, now: number, seen?: Conversation[], fresh?: FreshEvents): Promise<void> {
  await resolveConversation(tx, payload, seen);
  const body = asciiJson(payload);
  // SQLite inside the write queue: one multi-row insert per transaction, just before COMMIT.
  const native = nativeTx(tx);
  const due = fresh ? fresh.leaseUntil : now;
  for (const app of apps) {
    const id = outboxId('whe', now);
    if (native) deferInsert(native, 'webhook_events', EVENT_COLUMNS, [id, app, field, body, 0, due, 'pending', null, null, now, null]);
    else await insertEvent(tx, { id, appId: app, field, payload: body, now, due });
    fresh?.events.push({ id, app_id: app, payload: body, attempts: 0, created_at: now });
  }
}

/**
 * Store one event per app of the WABA that has a webhook subscription. Call inside a write op.
 * A status payload's conversation block is resolved here (see statusPayload). Returns the number
 * of apps (0: nothing stored).
 */
export async function enqueueWebhook(tx: Transaction<DB>, wabaId: string, field: string, payload: Record<string, unknown>, now: number, seen?: Conversation[], fresh?: FreshEvents): Promise<number> {
  return enqueueWebhooks(tx, wabaId, field, [payload], now, seen, fresh);
}

/**
 * Several payloads of one field, in order (one event each per subscribed app). `seen`:
 * conversations known to exist (committed, or found in this write); the ones found are added.
 */
export async function enqueueWebhooks(
  tx: Transaction<DB>,
  wabaId: string,
  field: string,
  payloads: Record<string, unknown>[],
  now: number,
  seen?: Conversation[],
  fresh?: FreshEvents,
): Promise<number> {
  if (payloads.length === 0) return 0;
  const apps = await subscribedApps(tx, wabaId);
  if (apps.length === 0) {
    // No one to tell, but the conversation a status opens is still recorded (analytics count them).
    for (const p of payloads) await resolveConversation(tx, p, seen);
    return 0;
  }
  for (const p of payloads) await insertEvents(tx, apps, field, p, now, seen, fresh);
  return apps.length;
}

/** The dispatcher of this process, told that events were enqueued (it delivers them at once). */
interface EnqueuedListener {
  (fresh?: FreshEvent[]): void;
  /** How long a handed-over event may wait in this process before another may take it. */
  leaseMs: number;
}
const enqueuedListeners = new WeakMap<Ctx, EnqueuedListener>();
export function onWebhookEnqueued(ctx: Ctx, listener: (fresh?: FreshEvent[]) => void, leaseMs: number): void {
  enqueuedListeners.set(ctx, Object.assign(listener, { leaseMs }));
}
/** Wake the dispatcher; `fresh`: committed events written for it (see {@link freshEvents}). */
export function webhooksEnqueued(ctx: Ctx, fresh?: FreshEvent[]): void {
  enqueuedListeners.get(ctx)?.(fresh);
}
/** An empty hand-over for a write, or undefined when no dispatcher runs in this process. */
export function freshEvents(ctx: Ctx, now: number): FreshEvents | undefined {
  const listener = enqueuedListeners.get(ctx);
  return listener ? { leaseUntil: now + listener.leaseMs, events: [] } : undefined;
}

/** The API business of a two-member chat whose other member is `customerId`, or null (no query for a chat between two people). */
async function apiPeerOf(ctx: Ctx, tx: Transaction<DB>, memberIds: string[], customerId: string): Promise<{ businessId: string; num: ApiNumberRef & { since: number } } | null> {
  if (memberIds.length !== 2) return null;
  const businessId = memberIds.find((m) => m !== customerId);
  if (!businessId) return null;
  // On every message's and receipt's path: a chat between two people costs no query.
  if ((await accountKindOf(ctx, tx, businessId)) !== 'business') return null;
  const num = await apiNumberOf(tx, businessId);
  return num ? { businessId, num } : null;
}

async function customerOf(tx: Transaction<DB>, accountId: string): Promise<{ name: string; waId: string } | null> {
  const row = await tx.selectFrom('accounts').select(['phone', 'display_name']).where('id', '=', accountId).executeTakeFirst();
  return row ? { name: row.display_name, waId: waDigits(row.phone) } : null;
}

/**
 * The webhooks of an API business's chats, each written to the outbox in the same transaction as
 * the change that causes it (ADR 0006 point 5), so a committed change always has its webhook:
 * - a customer's message → a `messages` webhook (inbound.ts maps every kind);
 * - a customer's reaction, edit or delete for everyone → `reaction`, `edit`, `revoke` messages;
 * - the customer's delivery and read cursors passing the business's messages → one `delivered`
 *   and one `read` status per message (enqueueReceiptStatuses).
 * The dispatcher is woken after commit through the bus.
 */
export function installInboundWebhooks(ctx: Ctx): void {
  ctx.bus.subscribe(WEBHOOKS_TOPIC, () => webhooksEnqueued(ctx));
  const wake = (emit: Emit<Envelope>, n: number) => {
    if (n > 0) emit({ topic: WEBHOOKS_TOPIC, event: { kind: 'webhooks.enqueued' } });
  };

  ctx.hooks.onMessageStoredInTx(async (tx, emit, e: MessageSentEvent) => {
    if (e.withheld) return;
    const peer = await apiPeerOf(ctx, tx, e.memberIds, e.senderId);
    if (!peer) return;
    const customer = await customerOf(tx, e.senderId);
    if (!customer) return;
    const now = ctx.clock.now();
    const refs = await resolveInboundRefs(tx, peer.num.wabaId, peer.businessId, customer.waId, e.message, now);
    const payload = inboundPayload(peer.num, customer, inboundMessage(peer.num, customer.waId, e.message, refs));
    wake(emit, await enqueueWebhook(tx, peer.num.wabaId, 'messages', payload, now));
  }, { businessChatsOnly: true });

  ctx.hooks.onMessageChangedInTx(async (tx, emit, e: MessageChangedEvent) => {
    const peer = await apiPeerOf(ctx, tx, e.memberIds, e.actorId);
    if (!peer) return;
    const customer = await customerOf(tx, e.actorId);
    if (!customer) return;
    const eventId = newId('msg');
    let msg: Record<string, unknown>;
    if (e.change === 'reaction') msg = inboundReaction(customer.waId, eventId, toWamid(customer.waId, e.message.id), e.emoji ?? null, e.at);
    else if (e.change === 'deleted') msg = inboundRevoke(customer.waId, eventId, e.message.id, e.at);
    else msg = inboundEdit(customer.waId, eventId, e.message, await resolveInboundRefs(tx, peer.num.wabaId, peer.businessId, customer.waId, e.message, e.at), e.at);
    wake(emit, await enqueueWebhook(tx, peer.num.wabaId, 'messages', inboundPayload(peer.num, customer, msg), e.at));
  }, { businessChatsOnly: true });

  ctx.hooks.onReceiptsMovedInTx(async (tx, emit, e: ReceiptsMovedEvent) => {
    const peer = await apiPeerOf(ctx, tx, e.memberIds, e.readerId);
    if (!peer) return;
    wake(emit, await enqueueReceiptStatuses(tx, peer.num, peer.businessId, e));
  }, { businessChatsOnly: true });
}

/**
 * `delivered` and `read` statuses for the business's messages that the customer's cursors passed
 * since the last statuses of this chat (api_status_cursors): one status per message, `delivered`
 * before `read` when both happen at once. Messages sent before the number got API access, and
 * messages the customer never received (withheld), get none. `readSeq` is the customer's announced
 * read cursor, so a customer with read receipts off yields no `read`.
 */
async function enqueueReceiptStatuses(tx: Transaction<DB>, num: ApiNumberRef & { since: number }, businessId: string, e: ReceiptsMovedEvent): Promise<number> {
  const cursor = await tx.selectFrom('api_status_cursors').select(['delivered_seq', 'read_seq']).where('chat_id', '=', e.chatId).executeTakeFirst();
  const fromDelivered = Number(cursor?.delivered_seq ?? 0);
  const fromRead = Number(cursor?.read_seq ?? 0);
  const toRead = Math.max(fromRead, e.readSeq);
  const toDelivered = Math.max(fromDelivered, e.deliveredSeq, toRead);
  if (toDelivered === fromDelivered && toRead === fromRead) return 0;
  if (cursor) await tx.updateTable('api_status_cursors').set({ delivered_seq: toDelivered, read_seq: toRead }).where('chat_id', '=', e.chatId).execute();
  else await tx.insertInto('api_status_cursors').values({ chat_id: e.chatId, delivered_seq: toDelivered, read_seq: toRead }).execute();

  const apps = await subscribedApps(tx, num.wabaId);
  if (apps.length === 0) return 0;
  const messages = await tx
    .selectFrom('messages as m')
    .leftJoin('api_message_meta as mm', 'mm.message_id', 'm.id')
    .select(['m.id', 'm.seq', 'm.created_at', 'm.kind', 'm.content', 'mm.callback_data', 'mm.pricing_type'])
    .where('m.chat_id', '=', e.chatId)
    .where('m.sender_id', '=', businessId)
    .where('m.seq', '>', Math.min(fromDelivered, fromRead))
    .where('m.seq', '<=', toDelivered)
    .where('m.withheld', '=', 0)
    .where('m.created_at', '>=', num.since)
    .orderBy('m.seq')
    .execute();
  if (messages.length === 0) return 0;
  const customer = await customerOf(tx, e.readerId);
  if (!customer) return 0;
  const seen: Conversation[] = [];
  for (const m of messages) {
    const seq = Number(m.seq);
    const base = {
      wamid: toWamid(customer.waId, m.id),
      at: e.at,
      recipientWaId: customer.waId,
      chatId: e.chatId,
      messageAt: Number(m.created_at),
      category: messageCategory(m.kind, m.content),
      // What the send knew: its callback data, and whether it was free inside the service window.
      bizOpaqueCallbackData: m.callback_data ?? undefined,
      freeInWindow: m.pricing_type === 'free_customer_service',
    };
    if (seq > fromDelivered) await insertEvents(tx, apps, 'messages', statusPayload(num, { ...base, status: 'delivered' }), e.at, seen);
    if (seq > fromRead && seq <= toRead) await insertEvents(tx, apps, 'messages', statusPayload(num, { ...base, status: 'read' }), e.at, seen);
  }
  return apps.length;
}
