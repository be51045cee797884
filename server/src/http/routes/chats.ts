/**
 * @module http/routes/chats
 * Chat list, opening a chat, history paging, sending over HTTP, marking read, chat settings.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { MESSAGE_KINDS, ReactionEnvelope } from '#contracts/models.js';
import type { Ctx } from '../../context.js';
import { requireActor } from '../auth.js';
import {
  deleteMessage,
  editMessage,
  getChat,
  listChats,
  listMessages,
  markRead,
  openDirectChat,
  reactToMessage,
  reactionInput,
  sendMessage,
  updateChatSettings,
} from '../../domain/messaging/index.js';

const ChatParams = Type.Object({ chatId: Type.String({ maxLength: 64 }) });
const MessageParams = Type.Object({ messageId: Type.String({ maxLength: 64 }) });

export function chatRoutes(ctx: Ctx): FastifyPluginAsync {
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    app.addHook('onRequest', requireActor(ctx));

    app.get(
      '/v1/chats',
      {
        schema: {
          querystring: Type.Object({
            archived: Type.Optional(Type.Boolean()),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
            before: Type.Optional(Type.Integer({ minimum: 0 })),
          }),
        },
      },
      async (req) => listChats(ctx, req.actor, req.query),
    );

    app.post(
      '/v1/chats',
      { schema: { body: Type.Object({ peer: Type.String({ minLength: 1, maxLength: 64, description: 'Phone number or account id' }) }, { additionalProperties: false }) } },
      async (req) => openDirectChat(ctx, req.actor, req.body.peer),
    );

    app.get('/v1/chats/:chatId', { schema: { params: ChatParams } }, async (req) => getChat(ctx, req.actor, req.params.chatId));

    app.patch(
      '/v1/chats/:chatId',
      {
        schema: {
          params: ChatParams,
          body: Type.Object(
            {
              archived: Type.Optional(Type.Boolean()),
              pinned: Type.Optional(Type.Boolean()),
              // Null first: with type coercion on, null would otherwise become 0.
              mutedUntil: Type.Optional(Type.Union([Type.Null(), Type.Integer({ minimum: 0 })])),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => updateChatSettings(ctx, req.actor, req.params.chatId, req.body),
    );

    app.get(
      '/v1/chats/:chatId/messages',
      {
        schema: {
          params: ChatParams,
          querystring: Type.Object({
            before: Type.Optional(Type.Integer({ minimum: 1 })),
            after: Type.Optional(Type.Integer({ minimum: 0 })),
            limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })),
          }),
        },
      },
      async (req) => listMessages(ctx, req.actor, req.params.chatId, req.query),
    );

    app.post(
      '/v1/chats/:chatId/messages',
      {
        schema: {
          params: ChatParams,
          body: Type.Object(
            {
              clientId: Type.String({ minLength: 1, maxLength: 64 }),
              kind: Type.Union(MESSAGE_KINDS.map((k) => Type.Literal(k))),
              content: Type.Record(Type.String(), Type.Unknown()),
              mediaId: Type.Optional(Type.String({ maxLength: 64 })),
              replyTo: Type.Optional(Type.String({ maxLength: 64 })),
              forwarded: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => sendMessage(ctx, req.actor, { ...req.body, chatId: req.params.chatId }),
    );

    app.post(
      '/v1/chats/:chatId/read',
      { schema: { params: ChatParams, body: Type.Object({ seq: Type.Integer({ minimum: 0 }) }, { additionalProperties: false }) } },
      async (req) => markRead(ctx, req.actor, req.params.chatId, req.body.seq),
    );

    app.patch(
      '/v1/messages/:messageId',
      { schema: { params: MessageParams, body: Type.Object({ content: Type.Record(Type.String(), Type.Unknown()) }, { additionalProperties: false }) } },
      async (req) => editMessage(ctx, req.actor, req.params.messageId, req.body.content),
    );

    app.delete('/v1/messages/:messageId', { schema: { params: MessageParams } }, async (req) => deleteMessage(ctx, req.actor, req.params.messageId));

    app.put(
      '/v1/messages/:messageId/reaction',
      {
        schema: {
          params: MessageParams,
          body: Type.Object({ emoji: Type.Optional(Type.Union([Type.String({ minLength: 1, maxLength: 32 }), Type.Null()])), e2e: Type.Optional(ReactionEnvelope) }, { additionalProperties: false }),
        },
      },
      async (req) => reactToMessage(ctx, req.actor, req.params.messageId, reactionInput(req.body)),
    );
  };
}
