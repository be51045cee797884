/**
 * @module domain/api/message-types/reaction
 * `type: reaction` (reference §3.7): `{message_id, emoji}` sets the business's reaction on a
 * message of its chat with the recipient; `emoji: ""` removes it. The target must be a message of
 * that chat, not older than 30 days and not deleted; every refusal is 131009. The reaction goes
 * through messaging's reactToMessage (the customer sees it like any reaction) and is answered with
 * a fresh wamid; only a `sent` status webhook follows, written in the reaction's transaction (or
 * `failed` 131026 when the customer blocked the business, nothing being set).
 */
import type { Actor } from '../../../context.js';
import { AppError } from '../../../errors.js';
import { newId } from '../../../platform/ids.js';
import { reactToMessage } from '../../messaging/index.js';
import { GraphError } from '../graph-error.js';
import { toWamid } from '../ids.js';
import { accessApiMessage } from '../send.js';
import { enqueueWebhook, statusPayload, webhooksEnqueued } from '../webhooks.js';
import { objectParam, onlyKeys, requiredString } from './check.js';
import type { MessageBuilder } from './types.js';

export const REACTION_MAX_AGE_MS = 30 * 24 * 3600 * 1000;

const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });

/** One emoji: a single grapheme that is pictographic, a flag or a keycap. */
export function isOneEmoji(s: string): boolean {
  if ([...segmenter.segment(s)].length !== 1) return false;
  return /\p{Extended_Pictographic}|\p{Regional_Indicator}|\u20e3/u.test(s) && !/[\p{L}\s]/u.test(s);
}

class Blocked extends Error {}

export const buildReaction: MessageBuilder = async (b, value) => {
  const r = objectParam(value, 'reaction');
  onlyKeys(r, ['message_id', 'emoji'], 'reaction');
  const wamid = requiredString(r, 'message_id', 'reaction.message_id');
  const emoji = requiredString(r, 'emoji', 'reaction.emoji');
  if (emoji !== '' && !isOneEmoji(emoji)) throw new GraphError(131009, 'Param reaction.emoji must be one emoji, or "" to remove the reaction.');

  const notHere = () => new GraphError(131009, `Message ${wamid.slice(0, 120)} is not a message of this number's chat with ${b.waId}.`);
  if (!b.customerId) throw notHere();
  const messageId = await accessApiMessage(b.ctx, b.num.accountId, wamid, b.customerId).catch((err: unknown) => {
    throw err instanceof GraphError ? notHere() : err;
  });
  const target = await b.ctx.db.selectFrom('messages').select(['created_at', 'deleted_at']).where('id', '=', messageId).executeTakeFirstOrThrow();
  if (target.deleted_at !== null) throw new GraphError(131009, 'The message was deleted; it cannot be reacted to.');
  if (b.ctx.clock.now() - target.created_at > REACTION_MAX_AGE_MS) throw new GraphError(131009, 'The message is older than 30 days; it cannot be reacted to.');

  const { ctx, num, waId, customerId, bizOpaqueCallbackData } = b;
  const reactionWamid = toWamid(waId, newId('msg'));
  const actor: Actor = { accountId: num.accountId, deviceId: 'api' };
  let enqueued = 0;
  try {
    await reactToMessage(ctx, actor, messageId, emoji === '' ? null : emoji, {
      inWrite: async (tx, _emit, m) => {
        const blocked = await tx.selectFrom('blocks').select('blocker_id').where('blocker_id', '=', customerId).where('blocked_id', '=', num.accountId).executeTakeFirst();
        if (blocked) throw new Blocked();
        const at = ctx.clock.now();
        enqueued = await enqueueWebhook(tx, num.wabaId, 'messages', statusPayload(num, { wamid: reactionWamid, status: 'sent', at, recipientWaId: waId, chatId: m.chatId, bizOpaqueCallbackData }), at);
      },
    });
  } catch (err) {
    if (err instanceof Blocked) {
      const at = ctx.clock.now();
      const error = { code: 131026 as const, details: 'The recipient cannot receive messages from this business.' };
      enqueued = await ctx.writes.run((tx) => enqueueWebhook(tx, num.wabaId, 'messages', statusPayload(num, { wamid: reactionWamid, status: 'failed', at, recipientWaId: waId, bizOpaqueCallbackData, error }), at));
    } else if (err instanceof AppError && (err.code === 'MESSAGE_DELETED' || err.code === 'MESSAGE_NOT_FOUND' || err.code === 'VALIDATION_FAILED')) {
      throw new GraphError(131009, err.code === 'VALIDATION_FAILED' ? `Param reaction.emoji: ${err.message}` : err.message);
    } else throw err;
  }
  if (enqueued > 0) webhooksEnqueued(ctx);
  return { done: true, wamid: reactionWamid };
};
