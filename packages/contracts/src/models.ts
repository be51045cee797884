/**
 * @module contracts/models
 * Shapes of the objects the HTTP API and the WebSocket protocol carry, shared by the server and
 * the web app. TypeBox schemas double as TypeScript types and as JSON Schema for validation and
 * for the OpenAPI document.
 */
import { BusinessBadge } from './business.js';
import { Type, type Static } from '@sinclair/typebox';

export const Id = (prefix: string) => Type.String({ pattern: `^${prefix}_[0-9a-z]{6,40}$`, maxLength: 48 });

export const MESSAGE_KINDS = [
  'text',
  'image',
  'video',
  'audio',
  'voice',
  'document',
  'sticker',
  'location',
  'contact',
  // Composed by the server from the business's catalog (see contracts/commerce.ts); clients never send them directly.
  'product',
  'catalog',
  'order',
  // Composed by the server for the Business API tier (contracts/content.ts): interactive messages
  // (reply buttons, lists, call-to-action URL, products) and templates.
  'interactive',
  'template',
  // A customer's answer to an interactive or template message (tapped button or list row).
  'interactive_reply',
] as const;
export type MessageKind = (typeof MESSAGE_KINDS)[number];

/** Which media kind each message kind carries (null: no media). */
export const MEDIA_KIND_OF_MESSAGE: Record<MessageKind, MediaKind | null> = {
  text: null,
  image: 'image',
  video: 'video',
  audio: 'audio',
  voice: 'audio',
  document: 'document',
  sticker: 'sticker',
  location: null,
  contact: null,
  product: null,
  catalog: null,
  order: null,
  // An interactive or template message may carry one header medium (image, video or document):
  // its kind is the content's `header.type` (see headerMediaKind in contracts/content.ts).
  interactive: null,
  template: null,
  interactive_reply: null,
};

/** Kinds only the server composes (through the commerce endpoints); a client `send` of one is refused. */
export const SERVER_COMPOSED_KINDS: readonly MessageKind[] = ['product', 'catalog', 'order', 'interactive', 'template'];

export const MEDIA_KINDS = ['image', 'video', 'audio', 'document', 'sticker'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/** Largest upload per media kind, as WhatsApp. */
export const MEDIA_LIMITS: Record<MediaKind, number> = {
  image: 5 * 1024 * 1024,
  video: 16 * 1024 * 1024,
  audio: 16 * 1024 * 1024,
  document: 100 * 1024 * 1024,
  sticker: 500 * 1024,
};

export const PrivacyLevel = Type.Union([Type.Literal('everyone'), Type.Literal('contacts'), Type.Literal('nobody')]);
export type PrivacyLevel = Static<typeof PrivacyLevel>;

export const Privacy = Type.Object({
  lastSeen: PrivacyLevel,
  online: Type.Union([Type.Literal('everyone'), Type.Literal('same_as_last_seen')]),
  photo: PrivacyLevel,
  about: PrivacyLevel,
  readReceipts: Type.Boolean(),
});
export type Privacy = Static<typeof Privacy>;

/** A person, or a business (tier 2 and 3), which has a business profile. */
export const AccountKind = Type.Union([Type.Literal('person'), Type.Literal('business')]);
export type AccountKind = Static<typeof AccountKind>;

export const Me = Type.Object({
  id: Type.String(),
  kind: AccountKind,
  phone: Type.String(),
  displayName: Type.String(),
  about: Type.String(),
  photoMediaId: Type.Union([Type.String(), Type.Null()]),
  privacy: Privacy,
  createdAt: Type.Number(),
});
export type Me = Static<typeof Me>;

/** Another person's profile as the asker may see it (privacy applied). */
export const PublicProfile = Type.Object({
  id: Type.String(),
  kind: AccountKind,
  phone: Type.String(),
  displayName: Type.String(),
  about: Type.Union([Type.String(), Type.Null()]),
  photoMediaId: Type.Union([Type.String(), Type.Null()]),
  /** The name the asker saved this number under, if any. */
  contactName: Type.Union([Type.String(), Type.Null()]),
  blocked: Type.Boolean(),
  /** Set for business accounts: the business name, category and verified badge. */
  business: Type.Union([BusinessBadge, Type.Null()]),
});
export type PublicProfile = Static<typeof PublicProfile>;

export const Device = Type.Object({
  id: Type.String(),
  name: Type.String(),
  platform: Type.String(),
  createdAt: Type.Number(),
  lastActiveAt: Type.Number(),
  current: Type.Boolean(),
});
export type Device = Static<typeof Device>;

/** Largest `ct` of an end-to-end encrypted reaction, in base64 characters. */
export const MAX_REACTION_CT_CHARS = 4096;
/**
 * An end-to-end encrypted reaction (docs/adr/0007): `ct` is an MLS private message (base64) whose
 * plaintext is `{"kind":"reaction","content":{"emoji","messageId","accountId"}}`; `epoch` is the
 * MLS epoch it was made in.
 */
export const ReactionEnvelope = Type.Object(
  { v: Type.Literal(1), epoch: Type.Integer({ minimum: 0 }), ct: Type.String({ minLength: 4, maxLength: MAX_REACTION_CT_CHARS, pattern: '^[A-Za-z0-9+/]+={0,2}$' }) },
  { additionalProperties: false },
);
export type ReactionEnvelope = Static<typeof ReactionEnvelope>;

/** One person's reaction: `emoji` in plain, or `e2e` (encrypted, in chats between people); exactly one of them. */
export const Reaction = Type.Object({ accountId: Type.String(), emoji: Type.Optional(Type.String()), e2e: Type.Optional(ReactionEnvelope) });
export type Reaction = Static<typeof Reaction>;

export const MessageStatus = Type.Union([Type.Literal('sent'), Type.Literal('delivered'), Type.Literal('read')]);
export type MessageStatus = Static<typeof MessageStatus>;

export const Message = Type.Object({
  id: Type.String(),
  chatId: Type.String(),
  seq: Type.Number(),
  senderId: Type.String(),
  clientId: Type.String(),
  kind: Type.String(),
  /** Kind-specific content; null once deleted for everyone (a tombstone). */
  content: Type.Union([Type.Record(Type.String(), Type.Unknown()), Type.Null()]),
  mediaId: Type.Union([Type.String(), Type.Null()]),
  replyTo: Type.Union([Type.String(), Type.Null()]),
  forwarded: Type.Boolean(),
  createdAt: Type.Number(),
  editedAt: Type.Union([Type.Number(), Type.Null()]),
  deletedAt: Type.Union([Type.Number(), Type.Null()]),
  reactions: Type.Array(Reaction),
  /** Only on the reader's own messages. */
  status: Type.Optional(MessageStatus),
  /** Only on the sender's own copy of a message the recipient will never get (they blocked the sender): it stays "sent". */
  undeliverable: Type.Optional(Type.Literal(true)),
});
export type Message = Static<typeof Message>;

export const ChatMemberState = Type.Object({
  accountId: Type.String(),
  deliveredSeq: Type.Number(),
  /** For others: the last seq whose reading they announced (0 when receipts are hidden). */
  readSeq: Type.Number(),
});
export type ChatMemberState = Static<typeof ChatMemberState>;

export const Chat = Type.Object({
  id: Type.String(),
  kind: Type.Literal('direct'),
  /** The other person, for direct chats. */
  peer: PublicProfile,
  members: Type.Array(ChatMemberState),
  lastSeq: Type.Number(),
  lastActivityAt: Type.Number(),
  lastMessage: Type.Union([Message, Type.Null()]),
  unreadCount: Type.Number(),
  readSeq: Type.Number(),
  archived: Type.Boolean(),
  pinnedAt: Type.Union([Type.Number(), Type.Null()]),
  mutedUntil: Type.Union([Type.Number(), Type.Null()]),
});
export type Chat = Static<typeof Chat>;

export const Media = Type.Object({
  id: Type.String(),
  kind: Type.String(),
  mimeType: Type.String(),
  size: Type.Number(),
  sha256: Type.String(),
  fileName: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.Number(),
});
export type Media = Static<typeof Media>;

export const Contact = Type.Object({
  phone: Type.String(),
  name: Type.String(),
  /** The Parley account with this number, if one exists. */
  accountId: Type.Union([Type.String(), Type.Null()]),
});
export type Contact = Static<typeof Contact>;

export const ErrorBody = Type.Object({
  error: Type.Object({
    code: Type.String(),
    message: Type.String(),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  }),
});
export type ErrorBody = Static<typeof ErrorBody>;
