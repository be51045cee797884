/**
 * @module contracts/protocol
 * The real-time protocol (version 1): every frame the client sends and the server sends over
 * the WebSocket at `/v1/ws`. docs/protocol.md describes each with examples.
 */
import { Type, type Static } from '@sinclair/typebox';
import { MESSAGE_KINDS, Message, ReactionEnvelope } from './models.js';

export const PROTOCOL_VERSION = 1;

const FrameId = Type.String({ minLength: 1, maxLength: 64 });
const ChatId = Type.String({ minLength: 1, maxLength: 64 });
const MessageId = Type.String({ minLength: 1, maxLength: 64 });

// ---- client → server -------------------------------------------------------------------------

export const PingFrame = Type.Object({ type: Type.Literal('ping'), id: FrameId }, { additionalProperties: false });
export const SyncFrame = Type.Object(
  { type: Type.Literal('sync'), id: FrameId, after: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);
export const AckFrame = Type.Object(
  { type: Type.Literal('ack'), id: FrameId, seq: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);
export const SendFrame = Type.Object(
  {
    type: Type.Literal('send'),
    id: FrameId,
    /** Either chatId or to (an account id; the direct chat is created on first use). */
    chatId: Type.Optional(ChatId),
    to: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    clientId: Type.String({ minLength: 1, maxLength: 64 }),
    kind: Type.Union(MESSAGE_KINDS.map((k) => Type.Literal(k))),
    content: Type.Record(Type.String(), Type.Unknown()),
    mediaId: Type.Optional(Type.String({ maxLength: 64 })),
    replyTo: Type.Optional(MessageId),
    forwarded: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export const EditFrame = Type.Object(
  { type: Type.Literal('edit'), id: FrameId, messageId: MessageId, content: Type.Record(Type.String(), Type.Unknown()) },
  { additionalProperties: false },
);
export const DeleteFrame = Type.Object(
  { type: Type.Literal('delete'), id: FrameId, messageId: MessageId },
  { additionalProperties: false },
);
export const ReactFrame = Type.Object(
  {
    type: Type.Literal('react'),
    id: FrameId,
    messageId: MessageId,
    /** An emoji, or null to remove one's reaction. Exactly one of `emoji` and `e2e`. */
    emoji: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 32 }), Type.Null()])),
    /** The reaction end-to-end encrypted (chats between people only). */
    e2e: Type.Optional(ReactionEnvelope),
  },
  { additionalProperties: false },
);
export const ReadFrame = Type.Object(
  { type: Type.Literal('read'), id: FrameId, chatId: ChatId, seq: Type.Integer({ minimum: 0 }) },
  { additionalProperties: false },
);
export const TypingState = Type.Union([Type.Literal('composing'), Type.Literal('recording'), Type.Literal('paused')]);
export const TypingFrame = Type.Object(
  { type: Type.Literal('typing'), id: FrameId, chatId: ChatId, state: TypingState },
  { additionalProperties: false },
);
export const WatchFrame = Type.Object(
  { type: Type.Literal('watch'), id: FrameId, accountIds: Type.Array(Type.String({ maxLength: 64 }), { maxItems: 256 }) },
  { additionalProperties: false },
);

export const clientFrameSchemas = {
  ping: PingFrame,
  sync: SyncFrame,
  ack: AckFrame,
  send: SendFrame,
  edit: EditFrame,
  delete: DeleteFrame,
  react: ReactFrame,
  read: ReadFrame,
  typing: TypingFrame,
  watch: WatchFrame,
} as const;
export type ClientFrameType = keyof typeof clientFrameSchemas;
export type ClientFrame = { [K in ClientFrameType]: Static<(typeof clientFrameSchemas)[K]> }[ClientFrameType];
export type SendFrame = Static<typeof SendFrame>;

// ---- server → client -------------------------------------------------------------------------

export const MessageCreatedUpdate = Type.Object({ type: Type.Literal('message.created'), chatId: Type.String(), message: Message });
export const MessageUpdatedUpdate = Type.Object({ type: Type.Literal('message.updated'), chatId: Type.String(), message: Message });
export const ChatReceiptsUpdate = Type.Object({
  type: Type.Literal('chat.receipts'),
  chatId: Type.String(),
  accountId: Type.String(),
  deliveredSeq: Type.Number(),
  readSeq: Type.Number(),
});
export const ChatUpdatedUpdate = Type.Object({
  type: Type.Literal('chat.updated'),
  chatId: Type.String(),
  archived: Type.Boolean(),
  pinnedAt: Type.Union([Type.Number(), Type.Null()]),
  mutedUntil: Type.Union([Type.Number(), Type.Null()]),
});
/**
 * Business state shared by a business's linked devices changed (labels, quick replies, automation
 * settings, catalog, …): devices re-fetch that area. `area` names it, e.g. 'labels'.
 */
export const BusinessChangedUpdate = Type.Object({ type: Type.Literal('business.changed'), chatId: Type.Null(), area: Type.String() });
/**
 * End-to-end encryption (docs/adr/0007): a commit the server accepted for a chat's MLS group, in
 * epoch order. `epoch` is the group's epoch after the commit; `commit` is the MLS message, base64.
 */
export const E2eCommitUpdate = Type.Object({
  type: Type.Literal('e2e.commit'),
  chatId: Type.String(),
  epoch: Type.Integer({ minimum: 1 }),
  senderDeviceId: Type.String(),
  commit: Type.String(),
});
/**
 * A welcome into a chat's MLS group for one device (`deviceId`; other devices of the account ignore
 * it). The server keeps it until that device acknowledges `welcomeId` (POST /v1/e2e/welcomes/ack).
 */
export const E2eWelcomeUpdate = Type.Object({
  type: Type.Literal('e2e.welcome'),
  chatId: Type.String(),
  epoch: Type.Integer({ minimum: 1 }),
  deviceId: Type.String(),
  welcome: Type.String(),
  /** Absent on records written before welcomes were kept. */
  welcomeId: Type.Optional(Type.String()),
});
/** A device of `accountId` became ready for end-to-end chats (`added`) or was revoked: member devices add or remove its leaf. */
export const E2eDevicesUpdate = Type.Object({
  type: Type.Literal('e2e.devices'),
  chatId: Type.String(),
  accountId: Type.String(),
  deviceId: Type.String(),
  change: Type.Union([Type.Literal('added'), Type.Literal('revoked')]),
});
/** Another device could not decrypt `messageId`: its sender device (`deviceId`) re-encrypts it at the current epoch. */
export const E2eResendUpdate = Type.Object({
  type: Type.Literal('e2e.resend'),
  chatId: Type.String(),
  messageId: Type.String(),
  deviceId: Type.String(),
  requestedBy: Type.String(),
});
export const Update = Type.Union([MessageCreatedUpdate, MessageUpdatedUpdate, ChatReceiptsUpdate, ChatUpdatedUpdate, BusinessChangedUpdate, E2eCommitUpdate, E2eWelcomeUpdate, E2eDevicesUpdate, E2eResendUpdate]);
export type Update = Static<typeof Update>;

export interface HelloFrame {
  type: 'hello';
  protocol: number;
  accountId: string;
  deviceId: string;
  /** The newest update seq of this account when the connection opened. */
  updateSeq: number;
  serverTime: number;
  heartbeatMs: number;
}
export interface ReplyFrame {
  type: 'reply';
  id: string;
  result: Record<string, unknown>;
}
export interface ErrorFrame {
  type: 'error';
  /** The id of the client frame this answers, when it could be read. */
  id?: string;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}
export interface UpdateFrame {
  type: 'update';
  seq: number;
  update: Update;
}
export interface TypingEventFrame {
  type: 'typing';
  chatId: string;
  accountId: string;
  state: Static<typeof TypingState>;
}
export interface PresenceFrame {
  type: 'presence';
  accountId: string;
  online: boolean;
  lastSeenAt: number | null;
}
/** Something about the account changed on another device (profile, privacy, contacts, blocks): fetch it again. */
export interface RefreshFrame {
  type: 'refresh';
  what: 'account';
}
export type ServerFrame = HelloFrame | ReplyFrame | ErrorFrame | UpdateFrame | TypingEventFrame | PresenceFrame | RefreshFrame;

/** WebSocket close codes Parley uses besides the standard ones. */
export const CloseCodes = {
  UNAUTHENTICATED: 4001,
  DEVICE_REVOKED: 4003,
  HEARTBEAT_TIMEOUT: 4008,
  TOO_SLOW: 1013,
  INTERNAL: 1011,
  SERVER_SHUTDOWN: 1001,
} as const;
