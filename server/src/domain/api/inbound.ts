/**
 * @module domain/api/inbound
 * A customer's Parley message → the `messages[]` object of a Cloud API webhook (reference §6.4):
 * text, media (with the API media id, mime type and base64 sha256), location, contacts, interactive
 * replies (button_reply, list_reply), template quick replies (`button`), orders, reactions, edits
 * and revokes, with `context` for replies and forwards. Kinds the API has no type for arrive as
 * `unsupported` with error 131051, as Meta does.
 *
 * Split in two: `resolveInboundRefs` looks up what the payload names (media ids, catalog id, the
 * replied-to message) inside the write op; `inboundMessage` is a pure mapping, unit-tested.
 */
import type { Transaction } from 'kysely';
import { currencyDigits } from '#contracts/commerce.js';
import type { Message } from '#contracts/models.js';
import type { DB } from '../../tables.js';
import { tryNormalizePhone } from '../accounts/index.js';
import { apiCatalogId, apiMediaId, toWamid, waDigits } from './ids.js';

type Json = Record<string, unknown>;

/** What an inbound message's payload names beyond the message itself (see resolveInboundRefs). */
export interface InboundRefs {
  /** wamid of the message this one replies to (`context.id`). */
  replyToWamid?: string | null;
  /** The medium: API media id, mime type and sha256 in base64 (null: the medium is gone). */
  media?: { id: string; mimeType: string; sha256: string } | null;
  /** `order`: the API catalog id of the business's catalog. */
  catalogId?: string;
  /** `list_reply`: the description of the row as the business's list offers it. */
  listRowDescription?: string;
  /** A reply to a product message: `context.referred_product`. */
  referredProduct?: { catalog_id: string; product_retailer_id: string };
  /** `contacts`: E.164 numbers of the cards that are Parley accounts (they get a `wa_id`). */
  accountPhones?: ReadonlySet<string>;
}

const seconds = (ms: number) => String(Math.floor(ms / 1000));

const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

const MEDIA_TYPES: Record<string, 'image' | 'video' | 'audio' | 'document' | 'sticker'> = {
  image: 'image',
  video: 'video',
  audio: 'audio',
  voice: 'audio',
  document: 'document',
  sticker: 'sticker',
};

/** The Cloud API message type and payload of a message's content: `{ type, [type]: payload }` (and `errors` when unsupported). */
export function inboundBody(message: Message, refs: InboundRefs = {}): Json {
  const c = (message.content ?? {}) as Json;
  const mediaType = MEDIA_TYPES[message.kind];
  if (mediaType) {
    if (!refs.media) {
      // The medium cannot be fetched (deleted meanwhile): Meta reports a failed download (131052).
      return { type: mediaType, errors: [errorObject(131052, 'Media download error', 'The media of this message is no longer available.')] };
    }
    const media: Json = { id: refs.media.id, mime_type: refs.media.mimeType, sha256: refs.media.sha256 };
    if (mediaType === 'image' || mediaType === 'video' || mediaType === 'document') {
      if (mediaType === 'document') media.filename = c.fileName;
      if (str(c.caption)) media.caption = c.caption;
    }
    if (mediaType === 'audio') media.voice = message.kind === 'voice';
    if (mediaType === 'sticker') media.animated = c.animated === true;
    return { type: mediaType, [mediaType]: media };
  }
  switch (message.kind) {
    case 'text':
      return { type: 'text', text: { body: c.text } };
    case 'location': {
      const loc: Json = { latitude: c.latitude, longitude: c.longitude };
      if (str(c.name)) loc.name = c.name;
      if (str(c.address)) loc.address = c.address;
      return { type: 'location', location: loc };
    }
    case 'contact':
      return { type: 'contacts', contacts: ((c.contacts as unknown[] | undefined) ?? []).map((card) => contactObject(card as Json, refs.accountPhones)) };
    case 'interactive_reply': {
      const id = c.id as string;
      const title = c.title as string;
      if (c.type === 'button') return { type: 'button', button: { payload: id, text: title } };
      if (c.type === 'list_reply') {
        const row: Json = { id, title };
        const description = refs.listRowDescription ?? str(c.description);
        if (description) row.description = description;
        return { type: 'interactive', interactive: { type: 'list_reply', list_reply: row } };
      }
      return { type: 'interactive', interactive: { type: 'button_reply', button_reply: { id, title } } };
    }
    case 'order': {
      const currency = c.currency as string;
      const scale = 10 ** currencyDigits(currency);
      const items = (c.items as { productId: string; quantity: number; unitPrice: number; retailerId?: string }[] | undefined) ?? [];
      return {
        type: 'order',
        order: {
          catalog_id: refs.catalogId,
          text: typeof c.note === 'string' ? c.note : '',
          product_items: items.map((i) => ({ product_retailer_id: i.retailerId ?? i.productId, quantity: i.quantity, item_price: i.unitPrice / scale, currency })),
        },
      };
    }
    default: {
      const title = 'Message type unknown';
      return { type: 'unsupported', unsupported: { type: message.kind }, errors: [errorObject(131051, title, `Message type ${message.kind} is not supported by the API.`)] };
    }
  }
}

/** The `messages[]` object of a customer's message (reference §6.4). */
export function inboundMessage(num: { displayPhoneNumber: string }, customerWaId: string, message: Message, refs: InboundRefs = {}): Json {
  const m: Json = { from: customerWaId, id: toWamid(customerWaId, message.id), timestamp: seconds(message.createdAt) };
  const context: Json = {};
  if (refs.replyToWamid) Object.assign(context, { from: num.displayPhoneNumber, id: refs.replyToWamid });
  if (message.forwarded) context.forwarded = true;
  if (refs.referredProduct && refs.replyToWamid) context.referred_product = refs.referredProduct;
  if (Object.keys(context).length > 0) m.context = context;
  const body = inboundBody(message, refs);
  const { errors, ...rest } = body;
  Object.assign(m, rest);
  if (errors) m.errors = errors;
  return m;
}

/** A customer's reaction (`emoji` null: removed, sent as ""): a `reaction` message with its own fresh wamid. */
export function inboundReaction(customerWaId: string, eventMessageId: string, targetWamid: string, emoji: string | null, at: number): Json {
  return { from: customerWaId, id: toWamid(customerWaId, eventMessageId), timestamp: seconds(at), type: 'reaction', reaction: { message_id: targetWamid, emoji: emoji ?? '' } };
}

/** A customer's edit (reference §6.4 `edit`): the original wamid and the message as it now reads. */
export function inboundEdit(customerWaId: string, eventMessageId: string, edited: Message, refs: InboundRefs, at: number): Json {
  const { errors: _errors, ...body } = inboundBody(edited, refs);
  return { from: customerWaId, id: toWamid(customerWaId, eventMessageId), timestamp: seconds(at), type: 'edit', edit: { original_message_id: toWamid(customerWaId, edited.id), message: body } };
}

/** A customer's delete for everyone (reference §6.4 `revoke`). */
export function inboundRevoke(customerWaId: string, eventMessageId: string, deletedId: string, at: number): Json {
  return { from: customerWaId, id: toWamid(customerWaId, eventMessageId), timestamp: seconds(at), type: 'revoke', revoke: { original_message_id: toWamid(customerWaId, deletedId) } };
}

function errorObject(code: number, title: string, details: string): Json {
  return { code, title, message: title, error_data: { details } };
}

/**
 * A Parley contact card → the Cloud API contact object (reference §3.6). The card's required
 * fields are name and phones; optional ones (emails, organization, and whatever structured name,
 * birthday, addresses or URLs a card carries) are mapped when present.
 */
export function contactObject(card: Json, accountPhones: ReadonlySet<string> = new Set()): Json {
  const formatted = str(card.name) ?? str(card.formattedName) ?? '';
  const name: Json = { formatted_name: formatted };
  const parts: [string, unknown][] = [
    ['first_name', card.firstName],
    ['last_name', card.lastName],
    ['middle_name', card.middleName],
    ['prefix', card.prefix ?? card.namePrefix],
    ['suffix', card.suffix ?? card.nameSuffix],
  ];
  for (const [k, v] of parts) if (str(v)) name[k] = v;
  // The reference asks for one name part besides formatted_name: the whole name when the card has none.
  if (Object.keys(name).length === 1) name.first_name = formatted;
  const out: Json = { name };
  if (str(card.birthday)) out.birthday = card.birthday;

  const phones = ((card.phones as unknown[] | undefined) ?? []).map((p) => {
    const phone = typeof p === 'string' ? { number: p } : (p as Json);
    const number = str(phone.number) ?? str(phone.phone) ?? '';
    const o: Json = { phone: number };
    const e164 = tryNormalizePhone(number);
    if (e164 && accountPhones.has(e164)) o.wa_id = waDigits(e164);
    const type = str(phone.label) ?? str(phone.type);
    if (type) o.type = type;
    return o;
  });
  if (phones.length > 0) out.phones = phones;

  const emails = ((card.emails as unknown[] | undefined) ?? []).map((e) => {
    if (typeof e === 'string') return { email: e };
    const o: Json = { email: str((e as Json).email) ?? str((e as Json).address) ?? '' };
    const type = str((e as Json).label) ?? str((e as Json).type);
    if (type) o.type = type;
    return o;
  });
  if (emails.length > 0) out.emails = emails;

  const addresses = ((card.addresses as Json[] | undefined) ?? []).map((a) => {
    const o: Json = {};
    for (const [k, v] of [
      ['street', a.street],
      ['city', a.city],
      ['state', a.state],
      ['zip', a.zip ?? a.postalCode],
      ['country', a.country],
      ['country_code', a.countryCode],
      ['type', a.label ?? a.type],
    ] as const) {
      if (str(v)) o[k] = v;
    }
    return o;
  });
  if (addresses.length > 0) out.addresses = addresses;

  const org = card.org && typeof card.org === 'object' ? (card.org as Json) : {};
  const company = str(card.organization) ?? str(card.company) ?? str(org.company);
  const department = str(card.department) ?? str(org.department);
  const title = str(card.title) ?? str(card.jobTitle) ?? str(org.title);
  if (company || department || title) out.org = { ...(company ? { company } : {}), ...(department ? { department } : {}), ...(title ? { title } : {}) };

  const urls = ((card.urls as unknown[] | undefined) ?? []).map((u) => {
    if (typeof u === 'string') return { url: u };
    const o: Json = { url: str((u as Json).url) ?? '' };
    const type = str((u as Json).label) ?? str((u as Json).type);
    if (type) o.type = type;
    return o;
  });
  if (urls.length > 0) out.urls = urls;
  return out;
}

/**
 * Look up what the payload of `message` (sent by the customer to the API business `businessId`)
 * names: the medium's API media id (created on first use, so GET /{media_id} serves it), the
 * catalog id of an order, the replied-to message. Call inside the write op of the message.
 */
export async function resolveInboundRefs(tx: Transaction<DB>, wabaId: string, businessId: string, customerWaId: string, message: Message, now: number): Promise<InboundRefs> {
  const refs: InboundRefs = {};
  const c = (message.content ?? {}) as Json;
  if (message.replyTo) {
    refs.replyToWamid = toWamid(customerWaId, message.replyTo);
    // Only answers and replies to products need the target's content.
    if (message.kind === 'interactive_reply' ? c.type === 'list_reply' : true) {
      const target = await tx.selectFrom('messages').select(['kind', 'content', 'sender_id']).where('id', '=', message.replyTo).executeTakeFirst();
      if (target?.content && target.sender_id === businessId) {
        const tc = JSON.parse(target.content) as Json | null;
        if (tc && message.kind === 'interactive_reply' && target.kind === 'interactive') {
          const sections = ((tc.list as Json | undefined)?.sections as { rows: { id: string; description?: string }[] }[] | undefined) ?? [];
          const row = sections.flatMap((s) => s.rows).find((r) => r.id === c.id);
          if (row?.description) refs.listRowDescription = row.description;
        } else if (tc && message.kind !== 'interactive_reply') {
          const product = referredProductOf(target.kind, tc);
          if (product) refs.referredProduct = { catalog_id: await apiCatalogId(tx, wabaId, product.businessId, now), product_retailer_id: product.retailerId };
        }
      }
    }
  }
  if (message.mediaId && MEDIA_TYPES[message.kind]) {
    const row = await tx.selectFrom('media').select(['mime_type', 'sha256']).where('id', '=', message.mediaId).executeTakeFirst();
    refs.media = row ? { id: await apiMediaId(tx, wabaId, message.mediaId, now), mimeType: row.mime_type, sha256: Buffer.from(row.sha256, 'hex').toString('base64') } : null;
  } else if (MEDIA_TYPES[message.kind]) refs.media = null;
  if (message.kind === 'order' && typeof c.businessId === 'string') refs.catalogId = await apiCatalogId(tx, wabaId, c.businessId, now);
  if (message.kind === 'contact') {
    const numbers = new Set<string>();
    for (const card of (c.contacts as Json[] | undefined) ?? []) {
      for (const p of (card.phones as Json[] | undefined) ?? []) {
        const e164 = typeof p?.number === 'string' ? tryNormalizePhone(p.number) : null;
        if (e164) numbers.add(e164);
      }
    }
    refs.accountPhones = numbers.size > 0 ? new Set((await tx.selectFrom('accounts').select('phone').where('phone', 'in', [...numbers]).execute()).map((r) => r.phone)) : new Set();
  }
  return refs;
}

/** The product a business message shows alone (a shared product, an interactive single product). */
function referredProductOf(kind: string, content: Json): { businessId: string; retailerId: string } | null {
  if (kind === 'product' && typeof content.businessId === 'string') {
    return { businessId: content.businessId, retailerId: (str(content.retailerId) ?? content.productId) as string };
  }
  if (kind === 'interactive' && content.type === 'product' && typeof content.businessId === 'string') {
    const item = (content.productSections as { items: { productId: string; retailerId?: string }[] }[] | undefined)?.[0]?.items[0];
    if (item) return { businessId: content.businessId, retailerId: item.retailerId ?? item.productId };
  }
  return null;
}
