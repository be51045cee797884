/**
 * @module contracts/content
 * The content object of each message kind. The server checks kind, size and references; the
 * content itself stays opaque to the server's logic (it becomes ciphertext with end-to-end
 * encryption), but its shape is validated here so every client renders the same thing.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { MessageKind } from './models.js';

const Caption = Type.Optional(Type.String({ maxLength: 1024 }));
/** A small inline preview (base64 JPEG/PNG/WebP) made by the sending device. */
const Thumbnail = Type.Optional(Type.String({ maxLength: 16384 }));
const Dimension = Type.Optional(Type.Integer({ minimum: 1, maximum: 20000 }));
const DurationMs = Type.Optional(Type.Integer({ minimum: 0, maximum: 24 * 3600 * 1000 }));

export const TextContent = Type.Object(
  { text: Type.String({ minLength: 1, maxLength: 65536 }), linkPreview: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);
export const ImageContent = Type.Object(
  { caption: Caption, width: Dimension, height: Dimension, thumbnail: Thumbnail },
  { additionalProperties: false },
);
export const VideoContent = Type.Object(
  { caption: Caption, width: Dimension, height: Dimension, durationMs: DurationMs, thumbnail: Thumbnail },
  { additionalProperties: false },
);
export const AudioContent = Type.Object({ durationMs: DurationMs }, { additionalProperties: false });
export const VoiceContent = Type.Object(
  { durationMs: DurationMs, waveform: Type.Optional(Type.Array(Type.Integer({ minimum: 0, maximum: 100 }), { maxItems: 128 })) },
  { additionalProperties: false },
);
export const DocumentContent = Type.Object(
  { fileName: Type.String({ minLength: 1, maxLength: 255 }), caption: Caption, pageCount: Type.Optional(Type.Integer({ minimum: 1 })), thumbnail: Thumbnail },
  { additionalProperties: false },
);
export const StickerContent = Type.Object({ animated: Type.Optional(Type.Boolean()) }, { additionalProperties: false });
export const LocationContent = Type.Object(
  {
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
    longitude: Type.Number({ minimum: -180, maximum: 180 }),
    name: Type.Optional(Type.String({ maxLength: 256 })),
    address: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);
const CardLabel = Type.Optional(Type.String({ maxLength: 32 }));
const NamePart = Type.Optional(Type.String({ maxLength: 256 }));
/**
 * A contact card. `name` is the formatted name shown; the other fields are optional (the Cloud API's
 * contact object maps onto them without loss: name parts, `waId` per phone, labelled emails,
 * addresses, urls, birthday, department and job title).
 */
export const ContactCard = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    phones: Type.Array(
      Type.Object(
        {
          number: Type.String({ maxLength: 32 }),
          label: CardLabel,
          /** The number's WhatsApp/Parley id (digits): the card offers "Message" for it. */
          waId: Type.Optional(Type.String({ pattern: '^[0-9]{1,20}$' })),
        },
        { additionalProperties: false },
      ),
      { maxItems: 10 },
    ),
    emails: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 10 })),
    /** Labels of `emails`, same order ('' for none). */
    emailLabels: Type.Optional(Type.Array(Type.String({ maxLength: 32 }), { maxItems: 10 })),
    organization: Type.Optional(Type.String({ maxLength: 256 })),
    department: Type.Optional(Type.String({ maxLength: 256 })),
    jobTitle: Type.Optional(Type.String({ maxLength: 256 })),
    firstName: NamePart,
    lastName: NamePart,
    middleName: NamePart,
    namePrefix: NamePart,
    nameSuffix: NamePart,
    /** YYYY-MM-DD. */
    birthday: Type.Optional(Type.String({ pattern: '^[0-9]{4}-[0-9]{2}-[0-9]{2}$' })),
    addresses: Type.Optional(
      Type.Array(
        Type.Object(
          {
            street: Type.Optional(Type.String({ maxLength: 256 })),
            city: Type.Optional(Type.String({ maxLength: 128 })),
            state: Type.Optional(Type.String({ maxLength: 128 })),
            zip: Type.Optional(Type.String({ maxLength: 32 })),
            country: Type.Optional(Type.String({ maxLength: 128 })),
            countryCode: Type.Optional(Type.String({ maxLength: 8 })),
            label: CardLabel,
          },
          { additionalProperties: false },
        ),
        { maxItems: 10 },
      ),
    ),
    urls: Type.Optional(Type.Array(Type.Object({ url: Type.String({ minLength: 1, maxLength: 2000 }), label: CardLabel }, { additionalProperties: false }), { maxItems: 10 })),
  },
  { additionalProperties: false },
);
/** Up to 257 cards (the Cloud API's limit), within the content size limit. */
export const ContactContent = Type.Object({ contacts: Type.Array(ContactCard, { minItems: 1, maxItems: 257 }) }, { additionalProperties: false });

// ---- commerce (composed by the server; see contracts/commerce.ts) ------------------------------

const MinorAmount = Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER });
const CurrencyCode = Type.String({ pattern: '^[A-Z]{3}$' });
const RefId = Type.String({ minLength: 1, maxLength: 64 });

/** A snapshot of one product, shared by the business in a chat. */
export const ProductContent = Type.Object(
  {
    businessId: RefId,
    productId: RefId,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    /** Price in minor units of `currency` (cents for EUR, yen for JPY). */
    price: MinorAmount,
    currency: CurrencyCode,
    /** The product's first image (served by GET /v1/accounts/{businessId}/catalog/images/{mediaId}). */
    imageMediaId: Type.Union([RefId, Type.Null()]),
    retailerId: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);
/** An invitation to browse a business's whole catalog. */
export const CatalogContent = Type.Object(
  {
    businessId: RefId,
    businessName: Type.String({ maxLength: 256 }),
    productCount: Type.Integer({ minimum: 0 }),
    imageMediaId: Type.Union([RefId, Type.Null()]),
  },
  { additionalProperties: false },
);
export const OrderStatusSchema = Type.Union([Type.Literal('pending'), Type.Literal('confirmed'), Type.Literal('shipped'), Type.Literal('completed'), Type.Literal('cancelled')]);
/** A customer's order; `status` follows the order (the server updates the message). */
export const OrderContent = Type.Object(
  {
    orderId: RefId,
    businessId: RefId,
    items: Type.Array(
      Type.Object(
        { productId: RefId, name: Type.String({ minLength: 1, maxLength: 200 }), quantity: Type.Integer({ minimum: 1, maximum: 999 }), unitPrice: MinorAmount, retailerId: Type.Optional(Type.String({ maxLength: 100 })) },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
    currency: CurrencyCode,
    total: MinorAmount,
    note: Type.String({ maxLength: 500 }),
    status: OrderStatusSchema,
  },
  { additionalProperties: false },
);

// ---- Business API tier (composed by the server from Cloud API requests) ---------------------

/** A header medium: the message's mediaId names it; its kind is `type`. */
const HeaderMedia = Type.Object(
  { type: Type.Union([Type.Literal('image'), Type.Literal('video'), Type.Literal('document')]), mediaId: RefId, fileName: Type.Optional(Type.String({ maxLength: 255 })) },
  { additionalProperties: false },
);
const HeaderText = Type.Object({ type: Type.Literal('text'), text: Type.String({ minLength: 1, maxLength: 60 }) }, { additionalProperties: false });
const HeaderLocation = Type.Object(
  {
    type: Type.Literal('location'),
    latitude: Type.Number({ minimum: -90, maximum: 90 }),
    longitude: Type.Number({ minimum: -180, maximum: 180 }),
    name: Type.Optional(Type.String({ maxLength: 256 })),
    address: Type.Optional(Type.String({ maxLength: 512 })),
  },
  { additionalProperties: false },
);

/** A product as shown inside an interactive product / product list message (a snapshot). */
export const ProductItem = Type.Object(
  {
    productId: RefId,
    name: Type.String({ minLength: 1, maxLength: 200 }),
    price: MinorAmount,
    currency: CurrencyCode,
    imageMediaId: Type.Union([RefId, Type.Null()]),
    retailerId: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

/**
 * An interactive message (Cloud API `type: interactive`): reply buttons, a list, a call-to-action
 * URL button, one product or a product list from the business's catalog. Limits as the Cloud API.
 */
export const InteractiveContent = Type.Object(
  {
    type: Type.Union([Type.Literal('button'), Type.Literal('list'), Type.Literal('cta_url'), Type.Literal('product'), Type.Literal('product_list')]),
    header: Type.Optional(Type.Union([HeaderText, HeaderMedia])),
    body: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    footer: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    /** `button`: 1–3 reply buttons. */
    buttons: Type.Optional(
      Type.Array(Type.Object({ id: Type.String({ minLength: 1, maxLength: 256 }), title: Type.String({ minLength: 1, maxLength: 20 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 3 }),
    ),
    /** `list`: the button that opens the list, and ≤10 sections holding ≤10 rows in total. */
    list: Type.Optional(
      Type.Object(
        {
          button: Type.String({ minLength: 1, maxLength: 20 }),
          sections: Type.Array(
            Type.Object(
              {
                title: Type.Optional(Type.String({ maxLength: 24 })),
                rows: Type.Array(
                  Type.Object(
                    { id: Type.String({ minLength: 1, maxLength: 200 }), title: Type.String({ minLength: 1, maxLength: 24 }), description: Type.Optional(Type.String({ maxLength: 72 })) },
                    { additionalProperties: false },
                  ),
                  { minItems: 1, maxItems: 10 },
                ),
              },
              { additionalProperties: false },
            ),
            { minItems: 1, maxItems: 10 },
          ),
        },
        { additionalProperties: false },
      ),
    ),
    /** `cta_url`: one button opening a URL. */
    cta: Type.Optional(Type.Object({ displayText: Type.String({ minLength: 1, maxLength: 20 }), url: Type.String({ minLength: 1, maxLength: 2000 }) }, { additionalProperties: false })),
    /** `product` (one section, one item) and `product_list` (≤10 sections, ≤30 items): the business whose catalog holds them. */
    businessId: Type.Optional(RefId),
    productSections: Type.Optional(
      Type.Array(Type.Object({ title: Type.Optional(Type.String({ maxLength: 24 })), items: Type.Array(ProductItem, { minItems: 1, maxItems: 30 }) }, { additionalProperties: false }), { minItems: 1, maxItems: 10 }),
    ),
  },
  { additionalProperties: false },
);

export const TemplateButtonType = Type.Union([Type.Literal('quick_reply'), Type.Literal('url'), Type.Literal('phone_number'), Type.Literal('copy_code'), Type.Literal('otp')]);

/**
 * A template message as rendered for the customer: parameters already substituted. `name`,
 * `language` and `category` identify the template it came from.
 */
export const TemplateContent = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 512 }),
    language: Type.String({ minLength: 2, maxLength: 15 }),
    category: Type.Union([Type.Literal('marketing'), Type.Literal('utility'), Type.Literal('authentication')]),
    header: Type.Optional(Type.Union([HeaderText, HeaderMedia, HeaderLocation])),
    body: Type.String({ minLength: 1, maxLength: 32768 }),
    footer: Type.Optional(Type.String({ minLength: 1, maxLength: 60 })),
    buttons: Type.Optional(
      Type.Array(
        Type.Object(
          {
            type: TemplateButtonType,
            text: Type.String({ minLength: 1, maxLength: 25 }),
            /** quick_reply: echoed back in the customer's reply (webhook `button.payload`). */
            payload: Type.Optional(Type.String({ maxLength: 256 })),
            /** url / otp: the full URL, suffix parameter applied. */
            url: Type.Optional(Type.String({ maxLength: 2000 })),
            phoneNumber: Type.Optional(Type.String({ maxLength: 32 })),
            /** copy_code / otp: the code to copy. */
            code: Type.Optional(Type.String({ maxLength: 256 })),
          },
          { additionalProperties: false },
        ),
        { minItems: 1, maxItems: 10 },
      ),
    ),
  },
  { additionalProperties: false },
);

/**
 * A customer's tap on an interactive or template message (sent with `replyTo` = that message):
 * `button_reply` (reply button: id, title), `list_reply` (list row: id, title, description),
 * `button` (template quick reply: id = the payload, title = the button text).
 */
export const InteractiveReplyContent = Type.Object(
  {
    type: Type.Union([Type.Literal('button_reply'), Type.Literal('list_reply'), Type.Literal('button')]),
    id: Type.String({ minLength: 1, maxLength: 256 }),
    title: Type.String({ minLength: 1, maxLength: 256 }),
    description: Type.Optional(Type.String({ maxLength: 72 })),
  },
  { additionalProperties: false },
);

/** The media kind a composed interactive/template message's header carries, if any. */
export function headerMediaKind(kind: MessageKind, content: unknown): 'image' | 'video' | 'document' | null {
  if (kind !== 'interactive' && kind !== 'template') return null;
  const header = (content as { header?: { type?: unknown } } | null)?.header;
  const t = header?.type;
  return t === 'image' || t === 'video' || t === 'document' ? t : null;
}

export const contentSchemas: Record<MessageKind, TSchema> = {
  text: TextContent,
  image: ImageContent,
  video: VideoContent,
  audio: AudioContent,
  voice: VoiceContent,
  document: DocumentContent,
  sticker: StickerContent,
  location: LocationContent,
  contact: ContactContent,
  product: ProductContent,
  catalog: CatalogContent,
  order: OrderContent,
  interactive: InteractiveContent,
  template: TemplateContent,
  interactive_reply: InteractiveReplyContent,
};

export type TextContent = Static<typeof TextContent>;
export type LocationContent = Static<typeof LocationContent>;
export type ContactContent = Static<typeof ContactContent>;
export type DocumentContent = Static<typeof DocumentContent>;
export type ProductContent = Static<typeof ProductContent>;
export type CatalogContent = Static<typeof CatalogContent>;
export type OrderContent = Static<typeof OrderContent>;
export type InteractiveContent = Static<typeof InteractiveContent>;
export type TemplateContent = Static<typeof TemplateContent>;
export type InteractiveReplyContent = Static<typeof InteractiveReplyContent>;
export type ProductItem = Static<typeof ProductItem>;

/**
 * End-to-end encrypted content (docs/adr/0007-mls-end-to-end-encryption.md): in a chat between
 * people it replaces the content of any kind a person sends. `ct` is the MLS private message
 * (base64) whose plaintext is `{"kind","content","media"?}`; `epoch` is the MLS epoch it was made in.
 */
export const E2eEnvelope = Type.Object(
  {
    e2e: Type.Object(
      { v: Type.Literal(1), epoch: Type.Integer({ minimum: 0 }), ct: Type.String({ minLength: 4, pattern: '^[A-Za-z0-9+/]+={0,2}$' }) },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false },
);
export type E2eEnvelope = Static<typeof E2eEnvelope>;

/** Whether a content object is (meant to be) an end-to-end envelope: it has an `e2e` member. */
export function isE2eEnvelope(content: unknown): boolean {
  return typeof content === 'object' && content !== null && 'e2e' in content;
}

/** Kinds whose content the author may edit (within 15 minutes). */
export const EDITABLE_KINDS: readonly MessageKind[] = ['text', 'image', 'video', 'document'];

/** Largest serialized content, in bytes. */
export const MAX_CONTENT_BYTES = 48 * 1024;
