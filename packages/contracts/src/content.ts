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
export const ContactCard = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    phones: Type.Array(Type.Object({ number: Type.String({ maxLength: 32 }), label: Type.Optional(Type.String({ maxLength: 32 })) }, { additionalProperties: false }), { maxItems: 10 }),
    emails: Type.Optional(Type.Array(Type.String({ maxLength: 256 }), { maxItems: 10 })),
    organization: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);
export const ContactContent = Type.Object({ contacts: Type.Array(ContactCard, { minItems: 1, maxItems: 20 }) }, { additionalProperties: false });

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
};

export type TextContent = Static<typeof TextContent>;
export type LocationContent = Static<typeof LocationContent>;
export type ContactContent = Static<typeof ContactContent>;
export type DocumentContent = Static<typeof DocumentContent>;
export type ProductContent = Static<typeof ProductContent>;
export type CatalogContent = Static<typeof CatalogContent>;
export type OrderContent = Static<typeof OrderContent>;

/** Kinds whose content the author may edit (within 15 minutes). */
export const EDITABLE_KINDS: readonly MessageKind[] = ['text', 'image', 'video', 'document'];

/** Largest serialized content, in bytes. */
export const MAX_CONTENT_BYTES = 48 * 1024;
