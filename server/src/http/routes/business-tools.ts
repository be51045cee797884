/**
 * @module http/routes/business-tools
 * A business's quick replies, greeting and away messages, labels and label assignments. Thin: each
 * route validates its input, resolves the device token and calls one domain function. Registering
 * these routes also installs the automation hook (greeting and away messages) on the server.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsync } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AUTOMATION_TEXT_MAX, AwaySchedule, MAX_RECIPIENT_PHONES, QUICK_REPLY_TEXT_MAX, Recipients } from '#contracts/automation.js';
import { LABEL_NAME_MAX, LabelColor, MAX_LABELS } from '#contracts/labels.js';
import type { Ctx } from '../../context.js';
import { requireActor } from '../auth.js';
import {
  createQuickReply,
  deleteQuickReply,
  getAutomation,
  installAutomation,
  listQuickReplies,
  updateAway,
  updateGreeting,
  updateQuickReply,
} from '../../domain/automation/index.js';
import { createLabel, deleteLabel, listLabelAssignments, listLabels, setChatLabels, setMessageLabels, updateLabel } from '../../domain/labels/index.js';

const Id = Type.String({ minLength: 1, maxLength: 64 });
const Shortcut = Type.String({ minLength: 1, maxLength: 25 });
const QuickReplyText = Type.String({ minLength: 1, maxLength: QUICK_REPLY_TEXT_MAX });
const Phones = Type.Array(Type.String({ minLength: 3, maxLength: 32 }), { maxItems: MAX_RECIPIENT_PHONES });
const LabelIds = Type.Object({ labelIds: Type.Array(Id, { maxItems: MAX_LABELS }) }, { additionalProperties: false });

export function businessToolsRoutes(ctx: Ctx): FastifyPluginAsync {
  installAutomation(ctx);
  return async (fastify) => {
    const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
    app.addHook('onRequest', requireActor(ctx));

    // ---- quick replies ---------------------------------------------------------------------------

    app.get('/v1/business/quick-replies', async (req) => listQuickReplies(ctx, req.actor));

    app.post(
      '/v1/business/quick-replies',
      {
        schema: {
          body: Type.Object({ shortcut: Shortcut, text: QuickReplyText, mediaId: Type.Optional(Type.Union([Id, Type.Null()])) }, { additionalProperties: false }),
        },
      },
      async (req) => createQuickReply(ctx, req.actor, req.body),
    );

    app.patch(
      '/v1/business/quick-replies/:id',
      {
        schema: {
          params: Type.Object({ id: Id }),
          body: Type.Object(
            { shortcut: Type.Optional(Shortcut), text: Type.Optional(QuickReplyText), mediaId: Type.Optional(Type.Union([Id, Type.Null()])) },
            { additionalProperties: false, minProperties: 1 },
          ),
        },
      },
      async (req) => updateQuickReply(ctx, req.actor, req.params.id, req.body),
    );

    app.delete('/v1/business/quick-replies/:id', { schema: { params: Type.Object({ id: Id }) } }, async (req, reply) => {
      await deleteQuickReply(ctx, req.actor, req.params.id);
      return reply.code(204).send();
    });

    // ---- greeting and away messages --------------------------------------------------------------

    app.get('/v1/business/automation', async (req) => getAutomation(ctx, req.actor));

    app.put(
      '/v1/business/automation/greeting',
      {
        schema: {
          body: Type.Object(
            { enabled: Type.Boolean(), text: Type.String({ maxLength: AUTOMATION_TEXT_MAX }), recipients: Recipients, phones: Type.Optional(Phones) },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => updateGreeting(ctx, req.actor, { ...req.body, phones: req.body.phones ?? [] }),
    );

    app.put(
      '/v1/business/automation/away',
      {
        schema: {
          body: Type.Object(
            {
              enabled: Type.Boolean(),
              text: Type.String({ maxLength: AUTOMATION_TEXT_MAX }),
              schedule: AwaySchedule,
              start: Type.Optional(Type.Union([Type.Null(), Type.Integer({ minimum: 0 })])),
              end: Type.Optional(Type.Union([Type.Null(), Type.Integer({ minimum: 0 })])),
              recipients: Recipients,
              phones: Type.Optional(Phones),
            },
            { additionalProperties: false },
          ),
        },
      },
      async (req) => updateAway(ctx, req.actor, { ...req.body, phones: req.body.phones ?? [] }),
    );

    // ---- labels ----------------------------------------------------------------------------------

    app.get('/v1/business/labels', async (req) => listLabels(ctx, req.actor));

    app.post(
      '/v1/business/labels',
      { schema: { body: Type.Object({ name: Type.String({ minLength: 1, maxLength: LABEL_NAME_MAX * 2 }), color: LabelColor }, { additionalProperties: false }) } },
      async (req) => createLabel(ctx, req.actor, req.body),
    );

    app.patch(
      '/v1/business/labels/:id',
      {
        schema: {
          params: Type.Object({ id: Id }),
          body: Type.Object(
            { name: Type.Optional(Type.String({ minLength: 1, maxLength: LABEL_NAME_MAX * 2 })), color: Type.Optional(LabelColor) },
            { additionalProperties: false, minProperties: 1 },
          ),
        },
      },
      async (req) => updateLabel(ctx, req.actor, req.params.id, req.body),
    );

    app.delete('/v1/business/labels/:id', { schema: { params: Type.Object({ id: Id }) } }, async (req, reply) => {
      await deleteLabel(ctx, req.actor, req.params.id);
      return reply.code(204).send();
    });

    app.get('/v1/business/label-assignments', async (req) => listLabelAssignments(ctx, req.actor));

    app.put('/v1/business/chats/:chatId/labels', { schema: { params: Type.Object({ chatId: Id }), body: LabelIds } }, async (req) =>
      setChatLabels(ctx, req.actor, req.params.chatId, req.body.labelIds),
    );

    app.put('/v1/business/messages/:messageId/labels', { schema: { params: Type.Object({ messageId: Id }), body: LabelIds } }, async (req) =>
      setMessageLabels(ctx, req.actor, req.params.messageId, req.body.labelIds),
    );
  };
}
