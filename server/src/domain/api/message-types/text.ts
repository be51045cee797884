/**
 * @module domain/api/message-types/text
 * `type: text` (reference §3.3): body ≤4096, optional preview_url.
 */
import { GraphError } from '../graph-error.js';
import { checkLength, objectParam, onlyKeys, requiredString } from './check.js';
import type { MessageBuilder } from './types.js';

export const TEXT_BODY_MAX = 4096;

export const buildText: MessageBuilder = async (_b, value) => {
  const text = objectParam(value, 'text');
  onlyKeys(text, ['body', 'preview_url'], 'text');
  const body = requiredString(text, 'body', 'text.body');
  if (body.trim() === '') throw new GraphError(131009, 'Param text.body must not be empty.');
  checkLength(body, TEXT_BODY_MAX, 'text.body');
  if (text.preview_url !== undefined && typeof text.preview_url !== 'boolean') throw new GraphError(131009, 'Param text.preview_url must be a boolean.');
  return { kind: 'text', content: { text: body, ...(text.preview_url === true ? { linkPreview: true } : {}) } };
};
