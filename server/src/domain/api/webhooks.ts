/**
 * @module domain/api/webhooks
 * The webhook outbox (ADR 0006 point 5): payloads in the Cloud API envelope (reference §6.3–6.5),
 * serialized once ASCII-only, stored per subscribed app in webhook_events, and signed over exactly
 * those bytes when delivered (workers/webhooks.ts). One change with one item per event.
 */
import { createHash, createHmac } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import type { Message } from '#contracts/models.js';
import { WEBHOOKS_TOPIC, type Ctx } from '../../context.js';
import type { DB } from '../../tables.js';
import { newId } from '../../platform/ids.js';
import type { MessageSentEvent } from '../../platform/hooks/hooks.js';
import { graphTitle, type GraphErrorCode } from './graph-error.js';
import { toWamid, waDigits } from './ids.js';
import { accountKindOf } from '../accounts/index.js';

/** JSON with every non-ASCII UTF-16 unit written as `\uXXXX` (lowercase hex; emoji as surrogate pairs). */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(/[\u0080-\uffff]/g, (c) => '\\u' + c.charCodeAt(0).toString(16).padStart(4, '0'));
}

/** The two signature headers over the exact bytes sent. */
export function signatureHeaders(appSecret: string, body: string): { 'x-hub-signature-256': string; 'x-hub-signature': string } {
  return {
    'x-hub-signature-256': 'sha256=' + createHmac('sha256', appSecret).update(body, 'utf8').digest('hex'),
    'x-hub-signature': 'sha1=' + createHmac('sha1', appSecret).update(body, 'utf8').digest('hex'),
  };
}

/** Where a webhook about one API number goes. */
export interface ApiNumberRef {
  wabaId: string;
  phoneNumberId: string;
  displayPhoneNumber: string;
}

export async function apiNumberOf(db: Kysely<DB>, accountId: string): Promise<ApiNumberRef | null> {
  const row = await db.selectFrom('api_numbers').select(['id', 'waba_id', 'display_phone_number']).where('account_id', '=', accountId).where('registered', '=', 1).executeTakeFirst();
  return row ? { wabaId: row.waba_id, phoneNumberId: row.id, displayPhoneNumber: row.display_phone_number } : null;
}

function messagesEnvelope(num: ApiNumberRef, value: Record<string, unknown>): Record<string, unknown> {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: num.wabaId,
        changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: num.displayPhoneNumber, phone_number_id: num.phoneNumberId }, ...value } }],
      },
    ],
  };
}

const seconds = (ms: number) => String(Math.floor(ms / 1000));

export interface StatusInput {
  wamid: string;
  status: 'sent' | 'delivered' | 'read' | 'failed';
  at: number;
  recipientWaId: string;
  chatId?: string;
  bizOpaqueCallbackData?: string | undefined;
  error?: { code: GraphErrorCode; details: string };
}

/** A `statuses[]` webhook (reference §6.5). */
export function statusPayload(num: ApiNumberRef, s: StatusInput): Record<string, unknown> {
  const status: Record<string, unknown> = { id: s.wamid, status: s.status, timestamp: seconds(s.at), recipient_id: s.recipientWaId };
  if (s.bizOpaqueCallbackData !== undefined) status.biz_opaque_callback_data = s.bizOpaqueCallbackData;
  if (s.error) {
    const title = graphTitle(s.error.code);
    status.errors = [{ code: s.error.code, title, message: title, error_data: { details: s.error.details }, href: 'https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/' }];
  } else if (s.chatId) {
    // Business-initiated pricing is the policy issue's work; until then every message is service.
    const conversation: Record<string, unknown> = { id: createHash('sha256').update(s.chatId).digest('hex').slice(0, 32), origin: { type: 'service' } };
    if (s.status === 'sent') conversation.expiration_timestamp = seconds(s.at + 24 * 3600_000);
    status.conversation = conversation;
    status.pricing = { billable: false, pricing_model: 'PMP', type: 'free_customer_service', category: 'service' };
  }
  return messagesEnvelope(num, { statuses: [status] });
}

/** The `messages[]` object of an inbound customer message (reference §6.4). */
export function inboundMessage(num: ApiNumberRef, customerWaId: string, message: Message, replyToWamid: string | null): Record<string, unknown> {
  const m: Record<string, unknown> = { from: customerWaId, id: toWamid(customerWaId, message.id), timestamp: seconds(message.createdAt) };
  if (replyToWamid) m.context = { from: num.displayPhoneNumber, id: replyToWamid };
  else if (message.forwarded) m.context = { forwarded: true };
  const c = message.content ?? {};
  switch (message.kind) {
    case 'text':
      m.type = 'text';
      m.text = { body: c.text };
      break;
    case 'location': {
      m.type = 'location';
      const loc: Record<string, unknown> = { latitude: c.latitude, longitude: c.longitude };
      if (typeof c.name === 'string') loc.name = c.name;
      if (typeof c.address === 'string') loc.address = c.address;
      m.location = loc;
      break;
    }
    default: {
      // Kinds the API does not map yet arrive as Meta's `unsupported` messages.
      m.type = 'unsupported';
      m.unsupported = { type: message.kind };
      const title = graphTitle(131051).replace('Unsupported message type', 'Message type unknown');
      m.errors = [{ code: 131051, title, message: title, error_data: { details: `Message type ${message.kind} is not supported by the API yet.` } }];
    }
  }
  return m;
}

export function inboundPayload(num: ApiNumberRef, customer: { name: string; waId: string }, msg: Record<string, unknown>): Record<string, unknown> {
  return messagesEnvelope(num, { contacts: [{ profile: { name: customer.name }, wa_id: customer.waId }], messages: [msg] });
}

/** Store one event per app of the WABA that has a webhook subscription. Call inside a write op. */
export async function enqueueWebhook(tx: Transaction<DB>, wabaId: string, field: string, payload: Record<string, unknown>, now: number): Promise<number> {
  const apps = await tx
    .selectFrom('api_apps as a')
    .innerJoin('webhook_subscriptions as s', 's.app_id', 'a.id')
    .select('a.id')
    .where('a.waba_id', '=', wabaId)
    .execute();
  if (apps.length === 0) return 0;
  const body = asciiJson(payload);
  for (const app of apps) {
    await tx
      .insertInto('webhook_events')
      .values({ id: newId('whe'), app_id: app.id, field, payload: body, attempts: 0, next_attempt_at: now, status: 'pending', last_status_code: null, last_error: null, created_at: now, delivered_at: null })
      .execute();
  }
  return apps.length;
}

/** Listeners told that events were enqueued (the dispatcher delivers them at once). */
const enqueuedListeners = new WeakMap<Ctx, () => void>();
export function onWebhookEnqueued(ctx: Ctx, listener: () => void): void {
  enqueuedListeners.set(ctx, listener);
}
export function webhooksEnqueued(ctx: Ctx): void {
  enqueuedListeners.get(ctx)?.();
}

/**
 * Inbound customer messages to an API business → a `messages` webhook, written to the outbox in the
 * same transaction as the message (ADR 0006 point 5): a committed message always has its webhook.
 * The dispatcher is woken after commit through the bus.
 */
export function installInboundWebhooks(ctx: Ctx): void {
  ctx.bus.subscribe(WEBHOOKS_TOPIC, () => webhooksEnqueued(ctx));
  ctx.hooks.onMessageStoredInTx(async (tx, emit, e: MessageSentEvent) => {
    if (e.withheld || e.memberIds.length !== 2) return;
    const businessId = e.memberIds.find((m) => m !== e.senderId);
    if (!businessId) return;
    // On every message's path: a chat between two people costs no query.
    if ((await accountKindOf(ctx, tx, businessId)) !== 'business') return;
    const num = await apiNumberOf(tx, businessId);
    if (!num) return;
    const customer = await tx.selectFrom('accounts').select(['phone', 'display_name']).where('id', '=', e.senderId).executeTakeFirst();
    if (!customer) return;
    const waId = waDigits(customer.phone);
    let replyToWamid: string | null = null;
    if (e.message.replyTo) {
      const target = await tx.selectFrom('messages').select('sender_id').where('id', '=', e.message.replyTo).executeTakeFirst();
      // Either party's message is named by the customer's digits and its id.
      if (target) replyToWamid = toWamid(waId, e.message.replyTo);
    }
    const payload = inboundPayload(num, { name: customer.display_name, waId }, inboundMessage(num, waId, e.message, replyToWamid));
    const n = await enqueueWebhook(tx, num.wabaId, 'messages', payload, ctx.clock.now());
    if (n > 0) emit({ topic: WEBHOOKS_TOPIC, event: { kind: 'webhooks.enqueued' } });
  });
}
