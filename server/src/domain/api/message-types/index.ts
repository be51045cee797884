/**
 * @module domain/api/message-types
 * The message types of `POST /{pnid}/messages`, one builder each. A type without a builder here
 * answers 131051 (not supported yet).
 */
import { buildTemplate } from './template.js';
import { buildText } from './text.js';
import type { MessageBuilder } from './types.js';

export const MESSAGE_TYPES = ['text', 'image', 'audio', 'video', 'document', 'sticker', 'location', 'contacts', 'reaction', 'interactive', 'template'] as const;
export type ApiMessageType = (typeof MESSAGE_TYPES)[number];

export const MESSAGE_BUILDERS: Partial<Record<ApiMessageType, MessageBuilder>> = {
  text: buildText,
  template: buildTemplate,
};

export { TEXT_BODY_MAX } from './text.js';
export type { BuildContext, BuiltMessage, HandledRequest, MessageBuilder, ApiNumber, Json } from './types.js';
export * from './check.js';
