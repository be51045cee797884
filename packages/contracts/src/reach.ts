/**
 * @module contracts/reach
 * The Business app tier's reach area: the short link and its public target, statistics per day,
 * broadcast lists and broadcasts.
 */
import { Type, type Static } from '@sinclair/typebox';

export const PREFILLED_TEXT_MAX = 140;
export const BROADCAST_LIST_MAX_RECIPIENTS = 256;
export const BROADCAST_LISTS_MAX = 50;
export const BROADCAST_LIST_NAME_MAX = 64;
export const STATS_MAX_DAYS = 366;

/** The business's own view of its short link. */
export const ShortLink = Type.Object({
  code: Type.String(),
  /** Path of the link in the web app: `/l/{code}`. */
  path: Type.String(),
  /** The absolute link (what the QR code encodes). */
  url: Type.String(),
  prefilledText: Type.String(),
  updatedAt: Type.Number(),
});
export type ShortLink = Static<typeof ShortLink>;

/** What anyone who opens a short link sees: the business and the text to prefill. */
export const LinkTarget = Type.Object({
  businessId: Type.String(),
  phone: Type.String(),
  name: Type.String(),
  verified: Type.Boolean(),
  photoMediaId: Type.Union([Type.String(), Type.Null()]),
  prefilledText: Type.String(),
});
export type LinkTarget = Static<typeof LinkTarget>;

export const StatsCounts = Type.Object({
  /** Messages the business sent. */
  sent: Type.Integer(),
  /** Of those, how many reached the customer's devices. */
  delivered: Type.Integer(),
  /** Of those, how many the customer read (as their read receipts show). */
  read: Type.Integer(),
  /** Messages customers sent to the business. */
  received: Type.Integer(),
});
export type StatsCounts = Static<typeof StatsCounts>;

export const DailyStats = Type.Composite([Type.Object({ date: Type.String({ description: 'YYYY-MM-DD in the business time zone' }) }), StatsCounts]);
export type DailyStats = Static<typeof DailyStats>;

export const BusinessStats = Type.Object({
  from: Type.String(),
  to: Type.String(),
  timezone: Type.String(),
  days: Type.Array(DailyStats),
  totals: StatsCounts,
});
export type BusinessStats = Static<typeof BusinessStats>;

export const BroadcastRecipient = Type.Object({
  phone: Type.String(),
  /** The account with this number, null when the number is not on Parley. */
  accountId: Type.Union([Type.String(), Type.Null()]),
  /** The recipient's name as the business saved it, else their profile name; null when unknown. */
  name: Type.Union([Type.String(), Type.Null()]),
});
export type BroadcastRecipient = Static<typeof BroadcastRecipient>;

export const BroadcastList = Type.Object({
  id: Type.String(),
  name: Type.String(),
  recipients: Type.Array(BroadcastRecipient),
  createdAt: Type.Number(),
  updatedAt: Type.Number(),
});
export type BroadcastList = Static<typeof BroadcastList>;

export const NOT_REACHED_REASONS = ['not_in_contacts', 'blocked', 'not_on_parley'] as const;
export type NotReachedReason = (typeof NOT_REACHED_REASONS)[number];

export const BroadcastRecipientResult = Type.Object({
  phone: Type.String(),
  accountId: Type.Union([Type.String(), Type.Null()]),
  reached: Type.Boolean(),
  /** Why a recipient was not reached; null when reached. */
  reason: Type.Union([Type.Literal('not_in_contacts'), Type.Literal('blocked'), Type.Literal('not_on_parley'), Type.Null()]),
  /** The 1:1 message sent, when reached. */
  messageId: Type.Union([Type.String(), Type.Null()]),
  chatId: Type.Union([Type.String(), Type.Null()]),
});
export type BroadcastRecipientResult = Static<typeof BroadcastRecipientResult>;

export const Broadcast = Type.Object({
  id: Type.String(),
  listId: Type.String(),
  listName: Type.String(),
  clientId: Type.String(),
  kind: Type.String(),
  content: Type.Record(Type.String(), Type.Unknown()),
  mediaId: Type.Union([Type.String(), Type.Null()]),
  reachedCount: Type.Integer(),
  notReachedCount: Type.Integer(),
  results: Type.Array(BroadcastRecipientResult),
  createdAt: Type.Number(),
  completedAt: Type.Union([Type.Number(), Type.Null()]),
});
export type Broadcast = Static<typeof Broadcast>;
