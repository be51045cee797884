/**
 * @module domain/api/send
 * `POST /{phone_number_id}/messages` (reference §3): the body is checked the Graph way (unknown keys
 * → 100, missing → 131008, bad values → 131009, kinds not mapped yet → 131051), translated into an
 * ordinary Parley message and stored through sendMessage as the business (ADR 0006 point 1), with
 * its `sent` status webhook enqueued in the same transaction. Also mark-as-read (§3.10).
 */
import type { Kysely } from 'kysely';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import type { Actor, Ctx } from '../../context.js';
import type { DB } from '../../tables.js';
import { newId } from '../../platform/ids.js';
import { prepared } from '../../platform/db/prepared.js';
import { accessChat, markRead, newMessageId, sendMessage, sendTyping } from '../messaging/index.js';
import { AppError } from '../../errors.js';
import { GraphError, unknownNode, type GraphErrorCode } from './graph-error.js';
import { checkSendPolicy, type TemplateCategory } from './policy.js';
import { findTemplate } from './templates/render.js';
import { normalizeLanguage } from './templates/model.js';
import { MESSAGE_BUILDERS, MESSAGE_TYPES, isObject, objectParam, onlyKeys, requiredString, type ApiMessageType, type ApiNumber, type BuiltMessage, type Json } from './message-types/index.js';
import { fromWamid, toWamid, waDigits } from './ids.js';
import type { ApiPrincipal } from './setup.js';
import { enqueueWebhook, freshEvents, statusPayload, webhooksEnqueued, type Conversation, type FreshEvents, type PricingCategory } from './webhooks.js';
import { apiCaches } from './caches.js';

/**
 * The client id of an API send: time-ordered like message ids, so its entry in the index of
 * (sender, client id) lands at the end of the sender's range instead of on a random page.
 */
function apiClientId(ctx: Ctx): string {
  return 'api_' + newMessageId(ctx.clock.now()).slice(4);
}

const ENVELOPE_KEYS = new Set<string>(['messaging_product', 'recipient_type', 'to', 'type', 'context', 'biz_opaque_callback_data', ...MESSAGE_TYPES]);
const READ_KEYS = new Set(['messaging_product', 'status', 'message_id', 'typing_indicator']);

/** Drop null-valued fields, at any depth (clients send `"caption": null` for absent ones). */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value && typeof value === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(value as Json)) if (v !== null) out[k] = withoutNulls(v);
    return out;
  }
  return value;
}

const numberById = prepared((db: Kysely<DB>, p) => db.selectFrom('api_numbers').select(['id', 'waba_id', 'display_phone_number', 'account_id', 'registered']).where('id', '=', p('id')));

async function loadPhoneNumber(ctx: Ctx, principal: ApiPrincipal, phoneNumberId: string, method: string): Promise<ApiNumber & { registered: boolean }> {
  const row = await apiCaches(ctx).numbers.through(phoneNumberId, async () => (await numberById.ahead(ctx.db, { id: phoneNumberId }))[0]);
  if (!row || row.waba_id !== principal.wabaId) throw unknownNode(method, phoneNumberId);
  return { wabaId: row.waba_id, phoneNumberId: row.id, displayPhoneNumber: row.display_phone_number, accountId: row.account_id, registered: row.registered === 1 };
}

/** The business number behind a phone_number_id the token may use; other WABAs' ids look missing. */
export async function accessPhoneNumber(ctx: Ctx, principal: ApiPrincipal, phoneNumberId: string, method: string): Promise<ApiNumber> {
  const { registered: _registered, ...num } = await loadPhoneNumber(ctx, principal, phoneNumberId, method);
  return num;
}

export function requireScope(principal: ApiPrincipal, scope: 'messaging' | 'management'): void {
  if (!principal.scopes.includes(scope)) throw new GraphError(10, `This access token lacks the whatsapp_business_${scope} permission.`);
}

/** `to` as sent → wa_id digits (libphonenumber's normal form when it is a valid number). */
/** `to` strings already normalized (parsing with full metadata costs more than the rest of a send's checks). */
const normalized = new Map<string, string>();
const NORMALIZED_MAX = 50_000;

export function normalizeTo(to: string): string {
  const hit = normalized.get(to);
  if (hit !== undefined) return hit;
  const waId = parseTo(to);
  if (normalized.size >= NORMALIZED_MAX) normalized.clear();
  normalized.set(to, waId);
  return waId;
}

function parseTo(to: string): string {
  const trimmed = to.trim();
  if (!/^\+?[\d\s().-]+$/.test(trimmed)) throw new GraphError(131009, `Param to must be a phone number: "${to.slice(0, 40)}" is not one.`);
  const digits = trimmed.replace(/\D/g, '');
  if (digits.length < 6 || digits.length > 15) throw new GraphError(131009, `Param to must be a phone number: "${to.slice(0, 40)}" is not one.`);
  const parsed = parsePhoneNumberFromString('+' + digits);
  return parsed && parsed.isValid() ? waDigits(parsed.number) : digits;
}

export interface SendResponse {
  messaging_product: 'whatsapp';
  contacts: { input: string; wa_id: string }[];
  messages: { id: string; message_status?: string }[];
}

export async function handleMessagesPost(ctx: Ctx, principal: ApiPrincipal, phoneNumberId: string, rawBody: unknown): Promise<SendResponse | { success: true }> {
  const { registered, ...num } = await loadPhoneNumber(ctx, principal, phoneNumberId, 'POST');
  // A deregistered number refuses sends (133010) before its body is looked at.
  if (!registered && principal.scopes.includes('messaging')) {
    throw new GraphError(133010, 'This phone number is deregistered: register it with POST /{phone_number_id}/register before sending.');
  }
  requireScope(principal, 'messaging');
  const body = withoutNulls(rawBody);
  if (!isObject(body)) throw new GraphError(100, 'The request body must be a JSON object.');
  if (body.status !== undefined) return markAsRead(ctx, num, body);
  return sendApiMessage(ctx, num, body);
}

function checkProduct(body: Json): void {
  if (body.messaging_product === undefined) throw new GraphError(100, 'The parameter messaging_product is required.', { message: '(#100) The parameter messaging_product is required.' });
  if (body.messaging_product !== 'whatsapp') throw new GraphError(100, 'Param messaging_product must be "whatsapp".');
}

async function sendApiMessage(ctx: Ctx, num: ApiNumber, body: Json): Promise<SendResponse> {
  onlyKeys(body, ENVELOPE_KEYS, 'message');
  checkProduct(body);
  if (body.recipient_type !== undefined && body.recipient_type !== 'individual') {
    throw new GraphError(131009, body.recipient_type === 'group' ? 'Group messages are not supported.' : 'Param recipient_type must be "individual".');
  }
  const to = requiredString(body, 'to', 'to');
  // Meta's own examples omit `type` for text (reference §3.1).
  const type = body.type === undefined && body.text !== undefined ? 'text' : body.type;
  if (type === undefined) throw new GraphError(131008, 'The parameter type is required.');
  if (typeof type !== 'string' || !(MESSAGE_TYPES as readonly string[]).includes(type)) throw new GraphError(131009, `Param type must be one of ${MESSAGE_TYPES.join(', ')}.`);
  for (const t of MESSAGE_TYPES) if (t !== type && body[t] !== undefined) throw new GraphError(100, `Unexpected key "${t}" on a ${type} message.`);
  const builder = MESSAGE_BUILDERS[type as ApiMessageType];
  if (!builder) throw new GraphError(131051, `Message type ${type} is not supported yet.`);

  let callbackData: string | undefined;
  if (body.biz_opaque_callback_data !== undefined) {
    if (typeof body.biz_opaque_callback_data !== 'string' || body.biz_opaque_callback_data.length > 512) throw new GraphError(131009, 'Param biz_opaque_callback_data must be a string of at most 512 characters.');
    callbackData = body.biz_opaque_callback_data;
  }

  const waId = normalizeTo(to);
  if (waId === num.displayPhoneNumber) throw new GraphError(131021, 'The recipient is the sending business number.');
  const customer = await customerByWaId(ctx, waId);

  let replyTo: string | undefined;
  if (body.context !== undefined) {
    const context = objectParam(body.context, 'context');
    onlyKeys(context, new Set(['message_id']), 'context');
    const wamid = requiredString(context, 'message_id', 'context.message_id');
    replyTo = await accessApiMessage(ctx, num.accountId, wamid, customer?.id ?? null);
  }

  // Template sends add messages[0].message_status (reference §3.2).
  const response = (id: string, messageStatus?: string): SendResponse => ({ messaging_product: 'whatsapp', contacts: [{ input: to, wa_id: waId }], messages: [messageStatus ? { id, message_status: messageStatus } : { id }] });
  const customerId = customer && customer.id !== num.accountId ? customer.id : null;

  // The messaging policy (window, throughput, pair rate, opt-out), before anything is stored.
  const decision = await checkSendPolicy(ctx, ctx.db, {
    businessId: num.accountId,
    numberKey: num.phoneNumberId,
    customerId,
    recipientKey: waId,
    template: type === 'template' ? { category: await templateCategoryOf(ctx, num.wabaId, body.template) } : null,
  });
  if (!decision.allowed) {
    if (decision.delivery === 'sync') throw new GraphError(decision.code, decision.details, decision.subcode ? { subcode: decision.subcode } : {});
    return response(await failAsync(ctx, num, waId, callbackData, { code: decision.code, details: decision.details }), type === 'template' ? 'accepted' : undefined);
  }

  try {
    const built = await builder({ ctx, num, waId, customerId, replyTo, bizOpaqueCallbackData: callbackData }, body[type]);
    if (built.done) return response(built.wamid);

    if (!customerId) return response(await failUnknownRecipient(ctx, num, waId, callbackData), built.messageStatus);
    return response(await sendAsBusiness(ctx, num, customerId, waId, { ...built, replyTo }, callbackData, { inWindow: decision.inWindow }), built.messageStatus);
  } catch (err) {
    // Refused by its own checks: it does not count against the rate limits.
    decision.release();
    throw err;
  } finally {
    decision.settle();
  }
}

/** Not on Parley: accepted, then a failed status (as Meta reports 131026 only asynchronously). */
export async function failUnknownRecipient(ctx: Ctx, num: ApiNumber, waId: string, callbackData: string | undefined): Promise<string> {
  return failAsync(ctx, num, waId, callbackData, { code: 131026, details: 'The recipient is not a Parley user.' });
}

/** Accepted with a fresh wamid, nothing stored, then a `failed` status webhook carrying `error`. */
export async function failAsync(ctx: Ctx, num: ApiNumber, waId: string, callbackData: string | undefined, error: { code: GraphErrorCode; details: string }): Promise<string> {
  const wamid = toWamid(waId, newId('msg'));
  const n = await ctx.writes.run(async (tx) =>
    enqueueWebhook(tx, num.wabaId, 'messages', statusPayload(num, { wamid, status: 'failed', at: ctx.clock.now(), recipientWaId: waId, bizOpaqueCallbackData: callbackData, error }), ctx.clock.now()),
  );
  if (n > 0) webhooksEnqueued(ctx);
  return wamid;
}

/** The category of the template a `template` object names (null: no such template; the builder answers 132001). */
async function templateCategoryOf(ctx: Ctx, wabaId: string, value: unknown): Promise<TemplateCategory | null> {
  if (!isObject(value) || typeof value.name !== 'string' || !isObject(value.language) || typeof value.language.code !== 'string') return null;
  const lang = normalizeLanguage(value.language.code);
  const row = lang ? await findTemplate(ctx.db, wabaId, value.name, lang) : undefined;
  return row ? (row.category as TemplateCategory) : null;
}

/**
 * Store a built message as the business through the ordinary send path, its `sent` status webhook
 * (or `failed` 131026 when the customer blocked the business) written in the same transaction.
 * Returns the wamid.
 */
export async function sendAsBusiness(
  ctx: Ctx,
  num: ApiNumber,
  customerId: string,
  waId: string,
  built: Omit<BuiltMessage, 'done'> & { replyTo?: string | undefined },
  callbackData: string | undefined,
  /** `inWindow`: the customer's service window was open when the send was allowed (a utility template is then free). */
  pricing: { inWindow: boolean } = { inWindow: false },
): Promise<string> {
  const actor: Actor = { accountId: num.accountId, deviceId: 'api' };
  const category: PricingCategory = built.kind === 'template' ? (built.content as { category: PricingCategory }).category : 'service';
  const freeInWindow = category === 'utility' && pricing.inWindow;
  let enqueued = 0;
  // The chat of this business and customer once known: the send then skips resolving the peer.
  const chats = apiCaches(ctx).directChats;
  const chatKey = `${num.accountId}:${customerId}`;
  const chatId = chats.get(chatKey);
  // The chat's conversation window as last committed here: a status inside it needs no lookup.
  const conversations = apiCaches(ctx).conversations;
  const known = chatId ? conversations.get(chatId) : undefined;
  let seen: Conversation[] = [];
  let fresh: FreshEvents | undefined;
  const { message } = await sendMessage(
    ctx,
    actor,
    { ...(chatId ? { chatId } : { to: customerId }), clientId: apiClientId(ctx), kind: built.kind, content: built.content, mediaId: built.mediaId, replyTo: built.replyTo },
    {
      messageId: built.messageId,
      // customerId was just found by the customer's number (accounts are never deleted).
      peerKnown: true,
      // The status webhook is written in the same transaction as the message (ADR 0006 point 5).
      inWrite: async (tx, _emit, m) => {
        seen = known ? [known] : [];
        fresh = freshEvents(ctx, m.createdAt);
        // Withheld: the customer blocked the business (the message is stored for the business only).
        const blocked = m.undeliverable === true;
        const s = blocked
          ? statusPayload(num, { wamid: toWamid(waId, m.id), status: 'failed', at: m.createdAt, recipientWaId: waId, bizOpaqueCallbackData: callbackData, error: { code: 131026, details: 'The recipient cannot receive messages from this business.' } })
          : statusPayload(num, { wamid: toWamid(waId, m.id), status: 'sent', at: m.createdAt, recipientWaId: waId, chatId: m.chatId, bizOpaqueCallbackData: callbackData, category, firstInChat: m.seq === 1, freeInWindow });
        enqueued = await enqueueWebhook(tx, num.wabaId, 'messages', s, m.createdAt, seen, fresh);
        // The delivered and read statuses repeat these (only sends that have them write a row).
        if (callbackData !== undefined || freeInWindow) await insertMessageMeta(tx, { messageId: m.id, callbackData: callbackData ?? null, pricingType: freeInWindow ? 'free_customer_service' : null });
      },
    },
  ).catch((err: unknown) => {
    throw mapSendError(err);
  });
  if (!chatId) chats.set(chatKey, message.chatId);
  // Committed now: the conversation the status used (found or opened) can be trusted.
  const latest = seen.at(-1);
  if (latest && latest !== known) conversations.set(message.chatId, latest);
  // Committed: the status goes straight to this process's dispatcher.
  if (enqueued > 0) webhooksEnqueued(ctx, fresh?.events);
  return toWamid(waId, message.id);
}

const insertMessageMeta = prepared((db: Kysely<DB>, p) =>
  db.insertInto('api_message_meta').values({ message_id: p('messageId'), callback_data: p('callbackData'), pricing_type: p('pricingType') }),
);

/** Parley errors of the ordinary send path, in Graph terms. */
function mapSendError(err: unknown): unknown {
  if (err instanceof AppError) {
    if (err.code === 'MEDIA_NOT_FOUND') return new GraphError(131009, 'The media id does not name a medium of this business.');
    if (err.code === 'VALIDATION_FAILED' || err.code === 'MESSAGE_TOO_LARGE') return new GraphError(131009, err.message);
  }
  return err;
}
const accountByPhone = prepared((db: Kysely<DB>, p) => db.selectFrom('accounts').select('id').where('phone', '=', p('phone')));

/** The Parley account of a wa_id, if any (accounts found are remembered: a phone never changes owner). */
async function customerByWaId(ctx: Ctx, waId: string): Promise<{ id: string } | undefined> {
  const phone = '+' + waId;
  const id = await apiCaches(ctx).accountsByPhone.through(phone, async () => (await accountByPhone.ahead(ctx.db, { phone }))[0]?.id);
  return id === undefined ? undefined : { id };
}

/** The internal id of a message named by a wamid, in a chat of the business (with `peerId` when given); else 100. */
export async function accessApiMessage(ctx: Ctx, businessId: string, wamid: string, peerId: string | null): Promise<string> {
  const decoded = fromWamid(wamid);
  const notFound = () => new GraphError(100, `Message ${wamid.slice(0, 120)} does not exist in a chat of this number.`);
  if (!decoded) throw notFound();
  const row = await ctx.db.selectFrom('messages').select(['id', 'chat_id', 'withheld', 'sender_id']).where('id', '=', decoded.messageId).executeTakeFirst();
  if (!row || (row.withheld === 1 && row.sender_id !== businessId)) throw notFound();
  const members = await accessChat(ctx.db, { accountId: businessId }, row.chat_id).catch(() => null);
  if (!members || (peerId && !members.includes(peerId))) throw notFound();
  return row.id;
}

async function markAsRead(ctx: Ctx, num: ApiNumber, body: Json): Promise<{ success: true }> {
  onlyKeys(body, READ_KEYS, 'message');
  checkProduct(body);
  if (body.status !== 'read') throw new GraphError(131009, 'Param status must be "read".');
  const wamid = requiredString(body, 'message_id', 'message_id');
  let typing = false;
  if (body.typing_indicator !== undefined) {
    const ti = objectParam(body.typing_indicator, 'typing_indicator');
    onlyKeys(ti, new Set(['type']), 'typing_indicator');
    if (ti.type !== 'text') throw new GraphError(131009, 'Param typing_indicator.type must be "text".');
    typing = true;
  }
  const messageId = await accessApiMessage(ctx, num.accountId, wamid, null);
  const row = await ctx.db.selectFrom('messages').select(['chat_id', 'seq']).where('id', '=', messageId).executeTakeFirstOrThrow();
  const actor: Actor = { accountId: num.accountId, deviceId: 'api' };
  // Marking one message read marks the earlier ones read too (the read cursor).
  await markRead(ctx, actor, row.chat_id, row.seq);
  if (typing) await sendTyping(ctx, actor, row.chat_id, 'composing');
  return { success: true };
}
