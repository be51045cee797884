/**
 * @module domain/api/message-types
 * The message types of `POST /{pnid}/messages`, one builder each. A type without a builder here
 * answers 131051 (not supported yet).
 */
import { buildContacts } from './contacts.js';
import { buildInteractive } from './interactive.js';
import { buildLocation } from './location.js';
import { buildReaction } from './reaction.js';
import { buildTemplate } from './template.js';
import { buildText } from './text.js';
import { buildAudio, buildDocument, buildImage, buildSticker, buildVideo } from './media.js';
import type { MessageBuilder } from './types.js';

export const MESSAGE_TYPES = ['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'reaction', 'interactive', 'template'] as const;
export type ApiMessageType = (typeof MESSAGE_TYPES)[number];

export const MESSAGE_BUILDERS: Partial<Record<ApiMessageType, MessageBuilder>> = {
  text: buildText,
  location: buildLocation,
  contacts: buildContacts,
  reaction: buildReaction,
  interactive: buildInteractive,
  image: buildImage,
  video: buildVideo,
  document: buildDocument,
  audio: buildAudio,
  sticker: buildSticker,
  template: buildTemplate,
};

export { TEXT_BODY_MAX } from './text.js';
export { CONTACTS_MAX } from './contacts.js';
export { INTERACTIVE_LIMITS } from './interactive.js';
export { REACTION_MAX_AGE_MS } from './reaction.js';
export type { BuildContext, BuiltMessage, HandledRequest, MessageBuilder, ApiNumber, Json } from './types.js';
export * from './check.js';
export { resolveMedia, resolveMediaId, resolveMediaLink, mediaSource, type ResolvedMedia } from './media-param.js';
export { CAPTION_MAX } from './media.js';
