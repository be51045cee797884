/**
 * @module domain/api/message-types/types
 * What a message type of `POST /{pnid}/messages` provides: a builder that checks the type's object
 * the Graph way and turns it into an ordinary Parley message (kind, content, media), or performs
 * the request itself (a reaction, a medium fetched from a link) and answers with the wamid.
 */
import type { MessageKind } from '#contracts/models.js';
import type { Ctx } from '../../../context.js';
import type { ApiNumberRef } from '../webhooks.js';

export type Json = Record<string, unknown>;

export interface ApiNumber extends ApiNumberRef {
  /** The business account behind the number. */
  accountId: string;
}

export interface BuildContext {
  ctx: Ctx;
  num: ApiNumber;
  /** `to` normalized to wa_id digits. */
  waId: string;
  /** The customer's account, or null when the number is not on Parley (the send then fails asynchronously with 131026). */
  customerId: string | null;
  /** The internal id of the message named by `context.message_id`, if any. */
  replyTo: string | undefined;
  bizOpaqueCallbackData: string | undefined;
}

/** An ordinary message to store as the business (through sendMessage, with its `sent` status webhook). */
export interface BuiltMessage {
  done?: false;
  kind: MessageKind;
  content: Record<string, unknown>;
  mediaId?: string | undefined;
  /** A preset internal message id (newMessageId), when the wamid was announced before the send. */
  messageId?: string | undefined;
  /** Template sends answer `messages[0].message_status` (reference §3.2): accepted, held_for_quality_assessment or paused. */
  messageStatus?: 'accepted' | 'held_for_quality_assessment' | 'paused' | undefined;
}

/** The builder did the work itself and answers with this wamid. */
export interface HandledRequest {
  done: true;
  wamid: string;
}

/** `value` is the type's object (an array for `contacts`), nulls already removed. */
export type MessageBuilder = (b: BuildContext, value: unknown) => Promise<BuiltMessage | HandledRequest>;
