/**
 * @module domain/api/message-types/template
 * `type: template` (reference §3.9): an approved template of the WABA with its parameters, rendered
 * for the customer (domain/api/templates/render.ts). The answer carries `message_status: accepted`.
 */
import { renderTemplate } from '../templates/render.js';
import type { MessageBuilder } from './types.js';

export const buildTemplate: MessageBuilder = async (b, value) => {
  const { content, mediaId } = await renderTemplate(b, value);
  return { kind: 'template', content, mediaId, messageStatus: 'accepted' };
};
